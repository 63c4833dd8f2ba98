import { context, ROOT_CONTEXT } from '@opentelemetry/api';
import type { DataSource } from 'typeorm';
import type { MessageBus } from '@fusion/shared/messaging';
import type { EventStore } from './event-store.port';

export interface OutboxRelayOptions {
  source: string;
  batchSize?: number;
  pollIntervalMs?: number;
  onError?: (err: unknown) => void;
  onPublished?: (count: number) => void;
  /** Called with 1 when a row is parked (failed_at set) after `maxAttempts`. */
  onParked?: (count: number) => void;
  /** Least time between two drains started by commits (default 20 ms). */
  minIntervalMs?: number;
  /** Publish attempts per row before it is parked (default 10). */
  maxAttempts?: number;
}

interface OutboxRow {
  id: string;
  topic: string;
  message_key: string;
  payload: unknown;
  headers: Record<string, string>;
  attempts?: number;
}

/**
 * Publishes outbox rows to the bus in id order, then marks them published in the same transaction
 * that locked them (FOR UPDATE SKIP LOCKED, so replicas never publish one row twice concurrently).
 * A crash between publish and commit re-publishes: consumers are idempotent by event id.
 */
export class OutboxRelay {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = true;
  private unsubscribe: (() => void) | null = null;
  private failures = 0;
  private lastFailure: Error | null = null;
  private lastDrainAt = 0;
  private pendingKick: NodeJS.Timeout | null = null;

  constructor(
    private readonly ds: DataSource,
    private readonly bus: MessageBus,
    private readonly store: EventStore,
    private readonly opts: OutboxRelayOptions,
  ) {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.unsubscribe = this.store.onCommitted(() => this.kick());
    this.kick();
  }

  /** Publish now (coalesces concurrent kicks). */
  kick(): void {
    // The relay is often kicked from inside a request; its polling must not become part of that request's trace.
    if (context.active() !== ROOT_CONTEXT) {
      context.with(ROOT_CONTEXT, () => this.kick());
      return;
    }
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    // Under a steady stream of commits, publish at most every `minIntervalMs` (bigger batches, fewer transactions).
    const wait = this.lastDrainAt + (this.opts.minIntervalMs ?? 20) - Date.now();
    if (wait > 0) {
      if (!this.pendingKick) {
        this.pendingKick = setTimeout(() => {
          this.pendingKick = null;
          this.kick();
        }, wait);
        this.pendingKick.unref();
      }
      return;
    }
    this.lastDrainAt = Date.now();
    this.running = this.drain()
      .then(() => undefined)
      .finally(() => {
        this.running = null;
        if (this.again) {
          this.again = false;
          this.kick();
        } else {
          this.schedule();
        }
      });
  }

  private schedule(): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    const base = this.opts.pollIntervalMs ?? 500;
    const delay = this.failures > 0 ? Math.min(base * 2 ** this.failures, 10_000) : base;
    this.timer = setTimeout(() => this.kick(), delay);
    this.timer.unref();
  }

  /** Publishes until nothing is pending; returns the number published. */
  async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      let n: number;
      try {
        this.lastFailure = null;
        n = await this.publishBatch();
      } catch (err) {
        this.lastFailure = err as Error;
        n = 0;
      }
      total += n;
      if (this.lastFailure) {
        this.failures += 1;
        this.opts.onError?.(this.lastFailure);
        return total;
      }
      this.failures = 0;
      if (n === 0 || this.stopped) return total;
    }
  }

  private async publishBatch(): Promise<number> {
    return this.ds.transaction(async (m) => {
      const rows = (await m.query(
        `SELECT id, topic, message_key, payload, headers, attempts FROM outbox
          WHERE source = $1 AND published_at IS NULL AND failed_at IS NULL ORDER BY id LIMIT $2 FOR UPDATE SKIP LOCKED`,
        [this.opts.source, this.opts.batchSize ?? 500],
      )) as OutboxRow[];
      if (rows.length === 0) return 0;
      const toMessage = (r: OutboxRow) => ({
        topic: r.topic,
        key: r.message_key,
        value: JSON.stringify(r.payload),
        headers: r.headers,
      });
      const markPublished = async (ids: string[]): Promise<void> => {
        if (ids.length === 0) return;
        await m.query(`UPDATE outbox SET published_at = now(), attempts = attempts + 1 WHERE id = ANY($1)`, [
          ids,
        ]);
      };
      try {
        await this.bus.publish(rows.map(toMessage));
        await markPublished(rows.map((r) => r.id));
        this.opts.onPublished?.(rows.length);
        return rows.length;
      } catch (batchError) {
        // Find the row that fails: publish one by one, in order, so per-key order holds. A row that keeps failing
        // (over the broker's size limit, say) is parked after `maxAttempts` so it cannot block the rows behind it.
        let published = 0;
        for (const r of rows) {
          try {
            await this.bus.publish([toMessage(r)]);
            await markPublished([r.id]);
            published += 1;
          } catch (err) {
            const attempts = Number(r.attempts ?? 0) + 1;
            const park = attempts >= (this.opts.maxAttempts ?? 10);
            await m.query(
              `UPDATE outbox SET attempts = $2, last_error = $3${park ? ', failed_at = now()' : ''} WHERE id = $1`,
              [r.id, attempts, (err as Error).message.slice(0, 2000)],
            );
            this.opts.onParked?.(park ? 1 : 0);
            if (!park) {
              // Keep the attempt count (no throw: the transaction commits) and back off before the next try.
              this.opts.onPublished?.(published);
              this.lastFailure = new Error(`outbox relay: publishing failed: ${(err as Error).message}`, {
                cause: batchError,
              });
              return published;
            }
            this.opts.onError?.(
              new Error(`outbox row ${r.id} parked after ${attempts} attempts: ${(err as Error).message}`),
            );
          }
        }
        this.opts.onPublished?.(published);
        return published;
      }
    });
  }

  async pendingCount(): Promise<number> {
    const rows = (await this.ds.query(
      `SELECT count(*)::int AS n FROM outbox WHERE source = $1 AND published_at IS NULL AND failed_at IS NULL`,
      [this.opts.source],
    )) as { n: number }[];
    return Number(rows[0]?.n ?? 0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.unsubscribe?.();
    if (this.timer) clearTimeout(this.timer);
    if (this.pendingKick) clearTimeout(this.pendingKick);
    await this.running;
  }
}
