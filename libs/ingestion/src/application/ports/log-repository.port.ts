import type { LogRecord } from '@fusion/contracts';

/** Trace and causation data stored with the events an append produces. */
export interface IngestContext {
  correlationId?: string;
  causationId?: string | null;
  traceparent?: string;
  tracestate?: string;
}

export interface StoreOutcome {
  /** Record ids stored now (each became a `LogRecorded` event). */
  accepted: string[];
  /** Record ids already stored before (idempotent re-sends). */
  duplicates: string[];
}

export interface LogPage {
  records: LogRecord[];
  /** Opaque cursor of the next page; null at the end. */
  next: string | null;
  total: number;
}

/**
 * The canonical log store: idempotent on (tenant, record id); every stored record is recorded as a
 * `LogRecorded` event in the same transaction (so the event and the row never disagree).
 */
export interface LogRepository {
  store(records: readonly LogRecord[], ctx?: IngestContext): Promise<StoreOutcome>;
  get(tenant: string, recordId: string): Promise<LogRecord | null>;
  list(
    tenant: string,
    opts: { pageSize: number; cursor?: string; queryId?: string; llm?: string },
  ): Promise<LogPage>;
  count(tenant: string): Promise<number>;
}
