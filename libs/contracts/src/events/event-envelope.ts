/**
 * Every event, stored or in flight, travels in this envelope. Events are facts: past tense, immutable,
 * versioned by `schemaVersion`. A breaking change gets a new version plus an upcaster (see upcasters.ts).
 */
export interface EventEnvelope<TData = unknown> {
  eventId: string;
  type: string;
  schemaVersion: number;
  streamId: string;
  /** 1-based position of the event within its stream. */
  streamVersion: number;
  /** Position in the store's global log (a bigint, as a decimal string); absent until stored. */
  globalPosition?: string;
  occurredAt: string;
  tenant: string;
  /** Id of the event or request that caused this one. */
  causationId: string | null;
  /** Id shared by everything that one request set off. */
  correlationId: string;
  /** Service that recorded the event (`fusion-ingestion`, ...). */
  source: string;
  /** W3C trace context of the operation that recorded the event. */
  traceparent?: string;
  tracestate?: string;
  data: TData;
}

/** What a writer supplies; the store fills in stream version, position and defaults. */
export interface NewEvent<TData = unknown> {
  eventId?: string;
  type: string;
  schemaVersion?: number;
  tenant: string;
  causationId?: string | null;
  correlationId?: string;
  occurredAt?: string;
  /** This event's own W3C trace context; overrides the append call's (batched writers append many requests). */
  traceparent?: string;
  tracestate?: string;
  data: TData;
}
