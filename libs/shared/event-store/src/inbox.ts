import type { EventStore, TransactionContext } from './event-store.port';
import { entityManagerOf } from './typeorm-event-store';

/**
 * Idempotent consumption: a message id is applied at most once per consumer group, because the inbox row
 * and the handler's writes commit in one transaction. At-least-once delivery then never double-counts.
 */
export class Inbox {
  constructor(private readonly store: EventStore) {}

  /** Runs `work` unless (group, messageId) was already processed; returns false for a duplicate. */
  async processOnce(
    group: string,
    messageId: string,
    work: (tx: TransactionContext) => Promise<void>,
  ): Promise<boolean> {
    return this.store.transaction(async (tx) => {
      const inserted = (await entityManagerOf(tx).query(
        `INSERT INTO processed_messages (consumer_group, message_id) VALUES ($1, $2)
         ON CONFLICT DO NOTHING RETURNING message_id`,
        [group, messageId],
      )) as unknown[];
      if (inserted.length === 0) return false;
      await work(tx);
      return true;
    });
  }

  /**
   * Batch form: marks every new id processed and runs `work` with only those (duplicates, within the batch or
   * seen before, are filtered out), all in one transaction. Returns the ids that were new.
   */
  async processBatchOnce(
    group: string,
    messageIds: readonly string[],
    work: (freshIds: ReadonlySet<string>, tx: TransactionContext) => Promise<void>,
  ): Promise<Set<string>> {
    const unique = [...new Set(messageIds)];
    if (unique.length === 0) return new Set();
    return this.store.transaction(async (tx) => {
      const fresh = new Set<string>();
      for (let i = 0; i < unique.length; i += 1000) {
        const chunk = unique.slice(i, i + 1000);
        const params: unknown[] = [group];
        const values = chunk.map((id) => `($1, $${params.push(id)})`);
        const rows = (await entityManagerOf(tx).query(
          `INSERT INTO processed_messages (consumer_group, message_id) VALUES ${values.join(',')}
           ON CONFLICT DO NOTHING RETURNING message_id`,
          params,
        )) as { message_id: string }[];
        for (const r of rows) fresh.add(r.message_id);
      }
      if (fresh.size > 0) await work(fresh, tx);
      return fresh;
    });
  }

  async wasProcessed(group: string, messageId: string): Promise<boolean> {
    return this.store.transaction(async (tx) => {
      const rows = (await entityManagerOf(tx).query(
        `SELECT 1 FROM processed_messages WHERE consumer_group = $1 AND message_id = $2`,
        [group, messageId],
      )) as unknown[];
      return rows.length > 0;
    });
  }
}
