import 'reflect-metadata';
import { InProcessMessageBus } from '@fusion/shared/messaging';
import { describeBackboneContract } from '@fusion/shared/testing/backbone-contract';
import { openDataSource } from './data-source.factory';

describeBackboneContract('PGlite + in-process bus', async () => {
  const ds = await openDataSource({ kind: 'pglite' });
  const bus = new InProcessMessageBus();
  return {
    ds,
    bus,
    close: async () => {
      await bus.close();
      await ds.destroy();
    },
  };
});
