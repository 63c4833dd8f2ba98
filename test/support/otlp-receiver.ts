import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync, inflateSync } from 'node:zlib';

/** One span as an OTLP/HTTP receiver (Jaeger, the collector) sees it, flattened for assertions. */
export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  /** Empty for a root span. */
  parentSpanId: string;
  name: string;
  /** OTLP SpanKind: 1 internal, 2 server, 3 client, 4 producer, 5 consumer (0 unspecified). */
  kind: number;
  /** The `service.name` resource attribute. */
  serviceName: string;
  scope: string;
  attributes: Record<string, unknown>;
  links: { traceId: string; spanId: string }[];
  statusCode: number;
}

/** A real OTLP/HTTP trace receiver on a free loopback port: `POST /v1/traces` with OTLP JSON (optionally gzip). */
export interface OtlpReceiver {
  /** Base URL to use as OTEL_EXPORTER_OTLP_ENDPOINT (`http://127.0.0.1:<port>`). */
  endpoint: string;
  /** Every span received so far, in arrival order. */
  spans(): ReceivedSpan[];
  /** Spans of one trace (trace id in lower-case hex). */
  trace(traceId: string): ReceivedSpan[];
  /** Requests that were refused (bad path, content type or body), with the reason, for diagnostics. */
  rejected(): string[];
  close(): Promise<void>;
}

// OTLP/JSON AnyValue and KeyValue (https://opentelemetry.io/docs/specs/otlp/#json-protobuf-encoding).
interface AnyValue {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: string | number;
  doubleValue?: number;
  bytesValue?: string;
  arrayValue?: { values?: AnyValue[] };
  kvlistValue?: { values?: KeyValue[] };
}
interface KeyValue {
  key: string;
  value?: AnyValue;
}
interface OtlpSpan {
  traceId?: string;
  spanId?: string;
  parentSpanId?: string;
  name?: string;
  kind?: number;
  attributes?: KeyValue[];
  links?: { traceId?: string; spanId?: string }[];
  status?: { code?: number };
}
interface ExportTraceServiceRequest {
  resourceSpans?: {
    resource?: { attributes?: KeyValue[] };
    scopeSpans?: { scope?: { name?: string }; spans?: OtlpSpan[] }[];
  }[];
}

function valueOf(v: AnyValue | undefined): unknown {
  if (!v) return undefined;
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.boolValue !== undefined) return v.boolValue;
  if (v.intValue !== undefined) return Number(v.intValue);
  if (v.doubleValue !== undefined) return v.doubleValue;
  if (v.bytesValue !== undefined) return v.bytesValue;
  if (v.arrayValue) return (v.arrayValue.values ?? []).map(valueOf);
  if (v.kvlistValue) return attributesOf(v.kvlistValue.values);
  return undefined;
}

function attributesOf(kvs: KeyValue[] | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const kv of kvs ?? []) out[kv.key] = valueOf(kv.value);
  return out;
}

/** OTLP/JSON carries ids as hex; a producer that base64-encodes them (proto3 JSON mapping) is normalised too. */
function hexId(id: string | undefined, bytes: number): string {
  if (!id) return '';
  if (new RegExp(`^[0-9a-fA-F]{${bytes * 2}}$`).test(id)) return id.toLowerCase();
  const raw = Buffer.from(id, 'base64');
  return raw.length === bytes ? raw.toString('hex') : id;
}

/** Flattens an ExportTraceServiceRequest; throws naming the malformed part. */
export function parseOtlpJson(body: unknown): ReceivedSpan[] {
  if (
    typeof body !== 'object' ||
    body === null ||
    !Array.isArray((body as ExportTraceServiceRequest).resourceSpans)
  ) {
    throw new Error('body is not an ExportTraceServiceRequest: resourceSpans must be an array');
  }
  const out: ReceivedSpan[] = [];
  for (const [i, rs] of ((body as ExportTraceServiceRequest).resourceSpans ?? []).entries()) {
    const resource = attributesOf(rs.resource?.attributes);
    const serviceName = typeof resource['service.name'] === 'string' ? resource['service.name'] : '';
    for (const ss of rs.scopeSpans ?? []) {
      for (const [j, s] of (ss.spans ?? []).entries()) {
        const traceId = hexId(s.traceId, 16);
        const spanId = hexId(s.spanId, 8);
        if (!traceId || !spanId)
          throw new Error(`resourceSpans[${i}] span ${j}: traceId and spanId are required`);
        out.push({
          traceId,
          spanId,
          parentSpanId: hexId(s.parentSpanId, 8),
          name: s.name ?? '',
          kind: s.kind ?? 0,
          serviceName,
          scope: ss.scope?.name ?? '',
          attributes: attributesOf(s.attributes),
          links: (s.links ?? []).map((l) => ({ traceId: hexId(l.traceId, 16), spanId: hexId(l.spanId, 8) })),
          statusCode: s.status?.code ?? 0,
        });
      }
    }
  }
  return out;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function decode(req: IncomingMessage, raw: Buffer): Buffer {
  const encoding = String(req.headers['content-encoding'] ?? 'identity').toLowerCase();
  if (encoding === 'gzip') return gunzipSync(raw);
  if (encoding === 'deflate') return inflateSync(raw);
  if (encoding === 'identity') return raw;
  throw new Error(`unsupported content-encoding '${encoding}'`);
}

export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const received: ReceivedSpan[] = [];
  const refused: string[] = [];
  const reply = (res: ServerResponse, status: number, body: unknown): void => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const server = createServer((req, res) => {
    const refuse = (status: number, message: string): void => {
      refused.push(`${req.method} ${req.url}: ${message}`);
      reply(res, status, { code: status, message });
    };
    if (req.url?.split('?')[0] !== '/v1/traces') return refuse(404, 'only /v1/traces is served');
    if (req.method !== 'POST') return refuse(405, 'use POST');
    const type = String(req.headers['content-type'] ?? '');
    if (!type.startsWith('application/json')) {
      // The protobuf encoding (exporter-trace-otlp-proto) is not needed: exporter-trace-otlp-http sends JSON.
      return refuse(415, `content-type '${type}' not supported; send OTLP JSON (application/json)`);
    }
    readBody(req)
      .then((raw) => {
        let spans: ReceivedSpan[];
        try {
          spans = parseOtlpJson(JSON.parse(decode(req, raw).toString('utf8')));
        } catch (err) {
          return refuse(400, (err as Error).message);
        }
        received.push(...spans);
        // ExportTraceServiceResponse: an empty partialSuccess means everything was accepted.
        reply(res, 200, {});
      })
      .catch((err: unknown) => refuse(400, `cannot read body: ${(err as Error).message}`));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    spans: () => [...received],
    trace: (traceId) => received.filter((s) => s.traceId === traceId.toLowerCase()),
    rejected: () => [...refused],
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
