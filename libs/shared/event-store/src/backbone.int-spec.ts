import 'reflect-metadata';
import { KafkaMessageBus } from '@fusion/shared/messaging';
import { createTestDatabase, getInfra } from '@fusion/shared/testing';
import { describeBackboneContract } from '@fusion/shared/testing/backbone-contract';
import { openDataSource } from './data-source.factory';

// The same contract as backbone.spec.ts, against the real PostgreSQL and Apache Kafka the test scripts start.
describeBackboneContract('PostgreSQL + Apache Kafka', async () => {
  const infra = getInfra();
  const db = await createTestDatabase('backbone');
  const ds = await openDataSource({ kind: 'postgres', url: db.url });
  const bus = new KafkaMessageBus({ brokers: infra.kafkaBrokers.split(','), clientId: 'backbone-contract' });
  return {
    ds,
    bus,
    close: async () => {
      await bus.close();
      await ds.destroy();
      await db.drop();
    },
  };
});
