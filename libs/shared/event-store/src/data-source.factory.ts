import { DataSource, type MixedList, type EntitySchema } from 'typeorm';
import { ProcessedMessageEntity } from './entities/processed-message.entity';
import { OutboxMessageEntity } from './entities/outbox-message.entity';
import { ProjectionCheckpointEntity } from './entities/projection-checkpoint.entity';
import { StoredEventEntity } from './entities/stored-event.entity';
import { CreateEventStore1767225600000 } from './migrations/1767225600000-create-event-store';
import { OutboxFailedAt1767225650000 } from './migrations/1767225650000-outbox-failed-at';
import { createPGliteDriver } from './pglite/pglite-pool';

/** Where the data lives: a real PostgreSQL server, or PGlite (Postgres in WASM) in memory or a directory. */
export type DatabaseTarget =
  { kind: 'postgres'; url: string; poolSize?: number } | { kind: 'pglite'; dataDir?: string };

/* eslint-disable @typescript-eslint/no-unsafe-function-type */
export interface DataSourceParts {
  entities?: MixedList<Function | string | EntitySchema>;
  migrations?: MixedList<Function | string>;
}
/* eslint-enable @typescript-eslint/no-unsafe-function-type */

export const EVENT_STORE_ENTITIES = [
  StoredEventEntity,
  OutboxMessageEntity,
  ProjectionCheckpointEntity,
  ProcessedMessageEntity,
];
export const EVENT_STORE_MIGRATIONS = [CreateEventStore1767225600000, OutboxFailedAt1767225650000];

/** One DataSource for both targets; the same entities, migrations and SQL run on each. */
export function createDataSource(target: DatabaseTarget, parts: DataSourceParts = {}): DataSource {
  const entities = [
    ...EVENT_STORE_ENTITIES,
    ...((parts.entities as unknown[]) ?? []),
  ] as DataSourceParts['entities'];
  const migrations = [
    ...EVENT_STORE_MIGRATIONS,
    ...((parts.migrations as unknown[]) ?? []),
  ] as DataSourceParts['migrations'];
  const common = {
    type: 'postgres' as const,
    entities,
    migrations,
    migrationsRun: false,
    synchronize: false,
    logging: false,
  };
  if (target.kind === 'postgres') {
    return new DataSource({
      ...common,
      url: target.url,
      poolSize: target.poolSize ?? 10,
      applicationName: 'fusionfactory',
    });
  }
  return new DataSource({ ...common, driver: createPGliteDriver({ dataDir: target.dataDir }) });
}

/** Advisory lock key that serialises migrations of services starting together against one database. */
const MIGRATION_LOCK_KEY = 727_002;

/** Connects and applies pending migrations, one process at a time (a session advisory lock on Postgres). */
export async function openDataSource(
  target: DatabaseTarget,
  parts: DataSourceParts = {},
): Promise<DataSource> {
  const ds = createDataSource(target, parts);
  await ds.initialize();
  if (target.kind === 'pglite') {
    await ds.runMigrations({ transaction: 'each' });
    return ds;
  }
  const lock = ds.createQueryRunner();
  try {
    await lock.connect();
    await lock.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    await ds.runMigrations({ transaction: 'each' });
  } finally {
    await lock.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    await lock.release();
  }
  return ds;
}
