import { diag, DiagLogLevel } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { ExpressInstrumentation } from '@opentelemetry/instrumentation-express';
import { GrpcInstrumentation } from '@opentelemetry/instrumentation-grpc';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { NestInstrumentation } from '@opentelemetry/instrumentation-nestjs-core';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { BatchSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { RequestLogSpanProcessor } from './request-log.span-processor';

let sdk: NodeSDK | null = null;

export interface TelemetryOptions {
  serviceName: string;
  /** OTLP/HTTP base endpoint (e.g. http://jaeger:4318); no export when unset, spans still carry trace ids. */
  otlpEndpoint?: string;
  serviceVersion?: string;
  /** One info log line per finished gRPC/HTTP server span, with its trace id (default true). */
  requestLog?: boolean;
}

/**
 * Starts OpenTelemetry before any instrumented module is loaded (call it from each app's instrumentation.ts,
 * imported first by main.ts). Trace context crosses Kafka through our messaging adapter's headers.
 */
export function startTelemetry(opts: TelemetryOptions): NodeSDK {
  if (sdk) return sdk;
  if (process.env['OTEL_DIAG_DEBUG'])
    diag.setLogger({ ...console, verbose: console.debug }, DiagLogLevel.DEBUG);
  const spanProcessors: SpanProcessor[] = opts.requestLog === false ? [] : [new RequestLogSpanProcessor()];
  if (opts.otlpEndpoint) {
    const url = `${opts.otlpEndpoint.replace(/\/$/, '')}/v1/traces`;
    spanProcessors.push(
      new BatchSpanProcessor(new OTLPTraceExporter({ url }), { scheduledDelayMillis: 500 }),
    );
  }
  sdk = new NodeSDK({
    resource: resourceFromAttributes({
      'service.name': opts.serviceName,
      'service.version': opts.serviceVersion ?? '0.1.0',
      'service.namespace': 'fusionfactory',
    }),
    // Always at least the request log: with no processor at all the SDK registers no tracer, and requests without
    // an incoming traceparent would get no trace id in their logs.
    spanProcessors,
    // Logs are JSON lines on stdout (pino); without this the SDK would add a default OTLP log exporter.
    logRecordProcessors: [],
    // Metrics are Prometheus (prom-client, /metrics); without this the SDK would push OTLP metrics to localhost:4318
    // every minute and wait for it on shutdown.
    metricReaders: [],
    instrumentations: [
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (req) => req.url === '/healthz' || req.url === '/metrics',
      }),
      new ExpressInstrumentation(),
      new NestInstrumentation(),
      new GrpcInstrumentation({ ignoreGrpcMethods: ['Check', 'Watch'] }),
      // Only queries inside a traced operation get spans (not background polling, flushes, relays).
      new PgInstrumentation({ enhancedDatabaseReporting: false, requireParentSpan: true }),
    ],
  });
  sdk.start();
  return sdk;
}

/** Flushes spans and stops the SDK (graceful shutdown). */
export async function stopTelemetry(): Promise<void> {
  const s = sdk;
  sdk = null;
  if (s) await s.shutdown().catch(() => undefined);
}
