import type { EventEnvelope, NewEvent } from '@fusion/contracts';
import { DomainError, ErrorCode } from '@fusion/shared/kernel';

/**
 * What a writer expects of a stream before appending: a version number (the stream's current last
 * version, 0 = empty), `no_stream`, `stream_exists` or `any`.
 */
export type ExpectedVersion = number | 'any' | 'no_stream' | 'stream_exists';

/** Opaque handle of an open transaction; adapters know what is inside. */
export interface TransactionContext {
  readonly __transaction: unique symbol;
}

export interface AppendRequest {
  streamId: string;
  events: NewEvent[];
  expectedVersion: ExpectedVersion;
}

export interface AppendResult {
  streamId: string;
  /** The stream's version after the append. */
  nextVersion: number;
  /** Global position of the last appended event. */
  lastPosition: string;
  envelopes: EventEnvelope[];
}

/** Trace and causation metadata taken from the operation doing the append. */
export interface AppendContext {
  correlationId?: string;
  causationId?: string | null;
  traceparent?: string;
  tracestate?: string;
}

/** Append-only event store with optimistic concurrency and a transactional outbox. */
export interface EventStore {
  append(request: AppendRequest, ctx?: AppendContext, tx?: TransactionContext): Promise<AppendResult>;
  /** Appends to several streams atomically (one transaction); fails as a whole on any conflict. */
  appendMany(
    requests: AppendRequest[],
    ctx?: AppendContext,
    tx?: TransactionContext,
  ): Promise<AppendResult[]>;
  readStream(streamId: string, fromVersion?: number, tx?: TransactionContext): Promise<EventEnvelope[]>;
  /** Events after `afterPosition` in global order. */
  readAll(
    afterPosition: string,
    limit: number,
    types?: readonly string[],
    tx?: TransactionContext,
  ): Promise<EventEnvelope[]>;
  streamVersion(streamId: string, tx?: TransactionContext): Promise<number>;
  /** Runs `work` in one transaction; appends and adapter writes made with `tx` commit or roll back together. */
  transaction<T>(work: (tx: TransactionContext) => Promise<T>): Promise<T>;
  /** Called after a commit that wrote outbox rows (the relay uses it to publish without waiting for its poll). */
  onCommitted(listener: () => void): () => void;
}

export class ConcurrencyError extends DomainError {
  constructor(streamId: string, expected: ExpectedVersion, actual: number) {
    super(
      ErrorCode.ConcurrencyConflict,
      `stream ${streamId}: expected version ${String(expected)} but it is at ${actual}`,
      { details: { streamId, expected, actual } },
    );
    this.name = 'ConcurrencyError';
  }
}
