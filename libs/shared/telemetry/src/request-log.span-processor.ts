import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { Logger } from 'pino';
import { rootLogger } from './logger';

// Attributes worth a column in the request log (gRPC, HTTP and Kafka instrumentations set them).
const LOGGED_ATTRIBUTES = [
  'rpc.grpc.status_code',
  'http.request.method',
  'http.method',
  'http.route',
  'http.response.status_code',
  'http.status_code',
  'messaging.destination.name',
  'messaging.consumer.group.name',
  'messaging.batch.message_count',
] as const;

/**
 * One JSON log line per finished SERVER span (gRPC call, HTTP request) at info, and per CONSUMER span (Kafka batch)
 * at debug, carrying that span's trace_id/span_id: every request leaves a log line an SRE can jump from to its trace,
 * without each adapter logging by hand. Works whether or not spans are exported.
 */
export class RequestLogSpanProcessor implements SpanProcessor {
  constructor(private readonly logger: () => Logger = rootLogger) {}

  onStart(_span: Span): void {
    // Nothing to do until the span ends.
  }

  onEnd(span: ReadableSpan): void {
    if (span.kind !== SpanKind.SERVER && span.kind !== SpanKind.CONSUMER) return;
    const log = this.logger();
    const level = span.kind === SpanKind.SERVER ? 'info' : 'debug';
    if (!log.isLevelEnabled(level)) return;
    const durationMs = Math.round((span.duration[0] * 1e3 + span.duration[1] / 1e6) * 1000) / 1000;
    const outcome = span.status.code === SpanStatusCode.ERROR ? 'error' : 'ok';
    const { traceId, spanId } = span.spanContext();
    // Named explicitly: they win over the logger mixin's ids of whatever span happens to be active at end().
    const fields: Record<string, unknown> = {
      trace_id: traceId,
      span_id: spanId,
      span: span.name,
      span_kind: span.kind === SpanKind.SERVER ? 'server' : 'consumer',
      duration_ms: durationMs,
      outcome,
    };
    for (const key of LOGGED_ATTRIBUTES) {
      const v = span.attributes[key];
      if (v !== undefined) fields[key] = v;
    }
    if (outcome === 'error' && span.status.message) fields['error'] = span.status.message;
    log[level](fields, `${span.name} ${outcome} in ${durationMs} ms`);
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}
