import { isSpanContextValid, trace } from '@opentelemetry/api';
import pino, { type Logger } from 'pino';

let root: Logger | null = null;

/** Structured JSON logs (one line each) carrying trace_id/span_id of the active span. */
export function createLogger(service: string, level = process.env['LOG_LEVEL'] ?? 'info'): Logger {
  return pino({
    level,
    base: { service },
    timestamp: pino.stdTimeFunctions.isoTime,
    messageKey: 'message',
    formatters: { level: (label) => ({ level: label }) },
    mixin() {
      const ctx = trace.getActiveSpan()?.spanContext();
      if (!ctx || !isSpanContextValid(ctx)) return {};
      return { trace_id: ctx.traceId, span_id: ctx.spanId };
    },
  });
}

export function rootLogger(): Logger {
  root ??= createLogger(process.env['FUSION_SERVICE_NAME'] ?? 'fusion');
  return root;
}

export function setRootLogger(logger: Logger): void {
  root = logger;
}

export type { Logger };
