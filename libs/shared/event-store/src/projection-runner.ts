import type { DataSource } from 'typeorm';
import type { EventEnvelope } from '@fusion/contracts';
import type { EventStore, TransactionContext } from './event-store.port';
import { entityManagerOf } from './typeorm-event-store';

/** A read model fed from the store's global log. `apply` and the checkpoint commit together. */
export interface Projection {
  readonly name: string;
  /** Event types it reads (others are skipped without being loaded). */
  readonly eventTypes: readonly string[];
  apply(events: readonly EventEnvelope[], tx: TransactionContext): Promise<void>;
  /** Clears the read model (called in the same transaction that resets the checkpoint to 0). */
  reset(tx: TransactionContext): Promise<void>;
}

/** Runs projections from their checkpoints; `rebuild` replays a projection from position 0. */
export class ProjectionRunner {
  constructor(
    private readonly ds: DataSource,
    private readonly store: EventStore,
    private readonly batchSize = 1000,
  ) {}

  async checkpoint(name: string): Promise<string> {
    const rows = (await this.ds.query(`SELECT position FROM projection_checkpoints WHERE name = $1`, [
      name,
    ])) as {
      position: string;
    }[];
    return rows[0]?.position ?? '0';
  }

  /** Applies every event after the checkpoint; returns how many were applied. */
  async catchUp(projection: Projection): Promise<number> {
    let applied = 0;
    for (;;) {
      const n = await this.store.transaction(async (tx) => {
        const m = entityManagerOf(tx);
        await m.query(
          `INSERT INTO projection_checkpoints (name, position) VALUES ($1, 0) ON CONFLICT (name) DO NOTHING`,
          [projection.name],
        );
        const rows = (await m.query(
          `SELECT position FROM projection_checkpoints WHERE name = $1 FOR UPDATE`,
          [projection.name],
        )) as { position: string }[];
        const from = rows[0]?.position ?? '0';
        const events = await this.store.readAll(from, this.batchSize, projection.eventTypes, tx);
        if (events.length === 0) return 0;
        await projection.apply(events, tx);
        const last = events[events.length - 1]?.globalPosition ?? from;
        await m.query(`UPDATE projection_checkpoints SET position = $2, updated_at = now() WHERE name = $1`, [
          projection.name,
          last,
        ]);
        return events.length;
      });
      applied += n;
      if (n < this.batchSize) return applied;
    }
  }

  /** Resets the read model and its checkpoint in one transaction, then replays from position 0. */
  async rebuild(projection: Projection): Promise<number> {
    await this.store.transaction(async (tx) => {
      const m = entityManagerOf(tx);
      await projection.reset(tx);
      await m.query(
        `INSERT INTO projection_checkpoints (name, position) VALUES ($1, 0)
         ON CONFLICT (name) DO UPDATE SET position = 0, updated_at = now()`,
        [projection.name],
      );
    });
    return this.catchUp(projection);
  }
}
