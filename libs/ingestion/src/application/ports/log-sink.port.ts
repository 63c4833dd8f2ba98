import type { LogRecord } from '@fusion/contracts';

/** What a sink did with one batch. `accepted + duplicates + rejected.length` equals the batch size. */
export interface LogSinkResult {
  /** Newly stored records. */
  accepted: number;
  /** Records whose id was already stored (idempotent re-sends). */
  duplicates: number;
  /** Records the store refused, with its reason. */
  rejected: { recordId: string; reason: string }[];
}

/**
 * Where imported records go (the event store, a Kafka topic, a file). Called with batches of validated
 * records, one batch at a time; must be idempotent on `recordId`.
 */
export interface LogSink {
  accept(records: LogRecord[]): Promise<LogSinkResult>;
}
