import type { RouteDecidedV1, RouteExecutedV1 } from '@fusion/contracts';

export interface RouteEventContext {
  correlationId: string;
  traceparent?: string;
  tracestate?: string;
}

/**
 * Where decisions and executions go as events. Implementations append off the request path; a returned promise
 * means the caller must wait (back-pressure: the queue is full), otherwise the call returns at once.
 */
export interface RouteEventSink {
  decided(tenant: string, data: RouteDecidedV1, ctx: RouteEventContext): void | Promise<void>;
  executed(tenant: string, data: RouteExecutedV1, ctx: RouteEventContext): void | Promise<void>;
}

/** Publishes executed requests back to ingestion as canonical (snake_case) log records. */
export interface LogBackSink {
  publish(record: Record<string, unknown>, ctx: RouteEventContext): void | Promise<void>;
}
