// Loaded first by main.ts: OpenTelemetry must patch http, grpc, pg and express before they are required.
import { startTelemetry } from '@fusion/shared/telemetry';

startTelemetry({
  serviceName: 'fusion',
  ...(process.env['OTEL_EXPORTER_OTLP_ENDPOINT']
    ? { otlpEndpoint: process.env['OTEL_EXPORTER_OTLP_ENDPOINT'] }
    : {}),
});
