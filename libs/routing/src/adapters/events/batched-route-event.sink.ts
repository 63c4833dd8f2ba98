import {
  RouteDecided,
  RouteExecuted,
  streamIdForRoute,
  type RouteDecidedV1,
  type RouteExecutedV1,
} from '@fusion/contracts';
import type { AppendRequest, EventStore } from '@fusion/shared/event-store';
import type { RouteEventContext, RouteEventSink } from '../../application/ports/route-event.sink.port';
import { BatchFlusher } from './batch-flusher';

interface QueuedEvent {
  tenant: string;
  type: string;
  data: RouteDecidedV1 | RouteExecutedV1;
  ctx: RouteEventContext;
}

export interface BatchedRouteEventSinkOptions {
  flushIntervalMs: number;
  maxBatch?: number;
  maxQueue?: number;
  onError?: (err: unknown, items: number) => void;
}

/**
 * `RouteDecided` / `RouteExecuted` appended off the request path: queued in memory and written every few ms,
 * many requests per transaction (stream `route-<tenant>-<requestId>`, expected version `any`). Durability: an
 * event is durable once its batch commits, normally within `flushIntervalMs` of the decision; a failed write stays
 * queued and is retried (nothing is dropped; a full queue makes callers wait); a graceful shutdown flushes the
 * queue; only a crash of the process loses the events of its last interval (never a half-written batch).
 */
export class BatchedRouteEventSink implements RouteEventSink {
  private readonly flusher: BatchFlusher<QueuedEvent>;

  constructor(
    private readonly store: EventStore,
    options: BatchedRouteEventSinkOptions,
  ) {
    this.flusher = new BatchFlusher<QueuedEvent>({
      intervalMs: options.flushIntervalMs,
      maxBatch: options.maxBatch ?? 1000,
      maxQueue: options.maxQueue ?? 100_000,
      flush: (items) => this.write(items),
      ...(options.onError ? { onError: options.onError } : {}),
    });
  }

  get pending(): number {
    return this.flusher.pending;
  }

  decided(tenant: string, data: RouteDecidedV1, ctx: RouteEventContext): void | Promise<void> {
    return this.flusher.add({ tenant, type: RouteDecided.type, data, ctx });
  }

  executed(tenant: string, data: RouteExecutedV1, ctx: RouteEventContext): void | Promise<void> {
    return this.flusher.add({ tenant, type: RouteExecuted.type, data, ctx });
  }

  drain(deadlineMs?: number): Promise<void> {
    return this.flusher.drain(deadlineMs);
  }

  close(deadlineMs?: number): Promise<void> {
    return this.flusher.close(deadlineMs);
  }

  private async write(items: QueuedEvent[]): Promise<void> {
    // One multi-stream append per flush: each event carries its own request's trace context and correlation id.
    const requests: AppendRequest[] = items.map((item) => ({
      streamId: streamIdForRoute(item.tenant, item.data.requestId),
      expectedVersion: 'any',
      events: [
        {
          type: item.type,
          tenant: item.tenant,
          data: item.data,
          correlationId: item.ctx.correlationId,
          ...(item.ctx.traceparent ? { traceparent: item.ctx.traceparent } : {}),
          ...(item.ctx.tracestate ? { tracestate: item.ctx.tracestate } : {}),
        },
      ],
    }));
    await this.store.appendMany(requests);
  }
}
