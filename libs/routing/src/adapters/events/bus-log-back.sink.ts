import { Topics } from '@fusion/contracts';
import type { MessageBus } from '@fusion/shared/messaging';
import type { LogBackSink, RouteEventContext } from '../../application/ports/route-event.sink.port';
import { BatchFlusher } from './batch-flusher';

interface QueuedRecord {
  record: Record<string, unknown>;
  ctx: RouteEventContext;
}

/**
 * Logs executed requests back to ingestion: canonical records published to `fusion.logs.raw.v1` (ingestion's raw
 * consumer validates and stores them, idempotent on record id), batched off the request path and retried on
 * failure like the route events.
 */
export class BusLogBackSink implements LogBackSink {
  private readonly flusher: BatchFlusher<QueuedRecord>;

  constructor(
    private readonly bus: MessageBus,
    options: { flushIntervalMs: number; maxQueue?: number; onError?: (err: unknown, items: number) => void },
  ) {
    this.flusher = new BatchFlusher<QueuedRecord>({
      intervalMs: options.flushIntervalMs,
      maxBatch: 500,
      maxQueue: options.maxQueue ?? 50_000,
      flush: (items) =>
        this.bus.publish(
          items.map(({ record, ctx }) => ({
            topic: Topics.LogsRaw,
            key: String(record['record_id']),
            value: JSON.stringify(record),
            headers: {
              'correlation-id': ctx.correlationId,
              ...(ctx.traceparent ? { traceparent: ctx.traceparent } : {}),
              ...(ctx.tracestate ? { tracestate: ctx.tracestate } : {}),
            },
          })),
        ),
      ...(options.onError ? { onError: options.onError } : {}),
    });
  }

  publish(record: Record<string, unknown>, ctx: RouteEventContext): void | Promise<void> {
    return this.flusher.add({ record, ctx });
  }

  drain(deadlineMs?: number): Promise<void> {
    return this.flusher.drain(deadlineMs);
  }

  close(deadlineMs?: number): Promise<void> {
    return this.flusher.close(deadlineMs);
  }
}
