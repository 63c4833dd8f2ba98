import { Writable } from 'node:stream';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { RequestLogSpanProcessor } from './request-log.span-processor';

function setup(level: string, mixin?: () => Record<string, unknown>) {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString().split('\n').filter(Boolean))
        lines.push(JSON.parse(l) as Record<string, unknown>);
      done();
    },
  });
  const logger = pino({ level, messageKey: 'message', ...(mixin ? { mixin } : {}) }, sink);
  const provider = new BasicTracerProvider({ spanProcessors: [new RequestLogSpanProcessor(() => logger)] });
  return { lines, tracer: provider.getTracer('test') };
}

describe('RequestLogSpanProcessor', () => {
  it('logs a finished server span with its own trace and span id, outcome and selected attributes', () => {
    // The mixin stands for the logger's "active span" ids, which at end() may belong to another span.
    const { lines, tracer } = setup('info', () => ({ trace_id: 'f'.repeat(32), span_id: 'f'.repeat(16) }));
    const span = tracer.startSpan('grpc.fusion.ingestion.v1.IngestionService/IngestLogs', {
      kind: SpanKind.SERVER,
      attributes: { 'rpc.grpc.status_code': 0, 'rpc.system': 'grpc' },
    });
    span.end();
    expect(lines).toHaveLength(1);
    const line = lines[0] as Record<string, unknown>;
    expect(line).toMatchObject({
      level: 30,
      trace_id: span.spanContext().traceId,
      span_id: span.spanContext().spanId,
      span: 'grpc.fusion.ingestion.v1.IngestionService/IngestLogs',
      span_kind: 'server',
      outcome: 'ok',
      'rpc.grpc.status_code': 0,
    });
    expect(line).not.toHaveProperty('rpc.system');
    expect(typeof line['duration_ms']).toBe('number');
    expect(line['message']).toMatch(
      /^grpc\.fusion\.ingestion\.v1\.IngestionService\/IngestLogs ok in [\d.]+ ms$/,
    );
  });

  it('reports failed spans with outcome error and the status message', () => {
    const { lines, tracer } = setup('info');
    const span = tracer.startSpan('POST /v1/logs', { kind: SpanKind.SERVER });
    span.setStatus({ code: SpanStatusCode.ERROR, message: 'boom' });
    span.end();
    expect(lines[0]).toMatchObject({ outcome: 'error', error: 'boom' });
  });

  it('logs consumer spans only at debug, and never internal or client spans', () => {
    const info = setup('info');
    info.tracer.startSpan('fusion.logs.recorded.v1 process', { kind: SpanKind.CONSUMER }).end();
    info.tracer.startSpan('pg.query:SELECT', { kind: SpanKind.CLIENT }).end();
    info.tracer.startSpan('Create Nest App', { kind: SpanKind.INTERNAL }).end();
    expect(info.lines).toEqual([]);

    const debug = setup('debug');
    debug.tracer
      .startSpan('fusion.logs.recorded.v1 process', {
        kind: SpanKind.CONSUMER,
        attributes: {
          'messaging.destination.name': 'fusion.logs.recorded.v1',
          'messaging.batch.message_count': 3,
        },
      })
      .end();
    debug.tracer.startSpan('pg.query:SELECT', { kind: SpanKind.CLIENT }).end();
    expect(debug.lines).toHaveLength(1);
    expect(debug.lines[0]).toMatchObject({
      level: 20,
      span_kind: 'consumer',
      'messaging.destination.name': 'fusion.logs.recorded.v1',
      'messaging.batch.message_count': 3,
    });
  });
});
