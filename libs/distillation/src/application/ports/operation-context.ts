/** Trace and correlation metadata carried onto appended events. */
export interface OperationContext {
  correlationId?: string;
  traceparent?: string;
  tracestate?: string;
}
