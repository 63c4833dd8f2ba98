import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Metadata, type Client } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConsumerGroups, Topics } from '@fusion/contracts';
import { createTestDatabase, getInfra, waitFor, type TestDatabase } from '@fusion/shared/testing';
import { createGrpcClient } from '@fusion/shared/transport';
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from '../support/otlp-receiver';
import { kafkaNamespace, startServiceProcess, type ServiceProcess } from '../support/service-process';

const SPAN_KIND = { server: 2, client: 3, producer: 4, consumer: 5 } as const;
const TENANT = 'trace-e2e';
// Several query streams, so the events land on all 3 partitions of the topic (checked for these keys).
const RECORDS = 8;
const ATTEMPTS = 3;

interface IngestResponse {
  accepted: number;
  duplicates: number;
  rejected: number;
}

/** IngestLogs is client-streaming; shared/transport's clientStream sends no metadata, so call grpc-js directly. */
function ingestWithMetadata(
  client: Client,
  metadata: Metadata,
  records: Record<string, unknown>[],
): Promise<IngestResponse> {
  return new Promise((resolve, reject) => {
    const method = (client as unknown as Record<string, (...a: unknown[]) => NodeJS.WritableStream>)[
      'IngestLogs'
    ];
    if (!method) return reject(new Error('IngestLogs missing on the client'));
    const call = method.call(
      client,
      metadata,
      { deadline: Date.now() + 30_000 },
      (err: Error | null, res: IngestResponse) => (err ? reject(err) : resolve(res)),
    ) as NodeJS.WritableStream & { write(m: unknown): boolean };
    call.write({ records });
    call.end();
  });
}

function record(attempt: number, i: number): Record<string, unknown> {
  return {
    recordId: `trace-${attempt}-${i}`,
    tenant: TENANT,
    taskName: 'gsm8k',
    queryId: `tq-${attempt}-${i}`,
    query: `What is ${i} + ${attempt}?`,
    promptMode: 'direct',
    llm: 'model-a',
    response: `The answer is ${i + attempt}.`,
    groundTruth: String(i + attempt),
    metric: 'GSM8K',
    performance: 1,
    inputTokens: 12,
    outputTokens: 6,
    inputPrice: 0.15,
    outputPrice: 0.6,
    costUsd: 12 * 0.15e-6 + 6 * 0.6e-6,
    latencyMs: 120,
    split: 'train',
    createdAt: new Date(Date.UTC(2026, 0, 2)).toISOString(),
  };
}

function describeSpans(spans: ReceivedSpan[]): string {
  return spans
    .map((s) => `${s.serviceName} ${s.traceId}/${s.spanId}<-${s.parentSpanId || '-'} k${s.kind} ${s.name}`)
    .join('\n');
}

describe('tracing e2e: one trace crosses gRPC → ingestion → outbox → Kafka → routing (OTLP/HTTP export)', () => {
  let db: TestDatabase;
  let receiver: OtlpReceiver;
  let ingestion: ServiceProcess;
  let routing: ServiceProcess;
  let client: Client;

  beforeAll(async () => {
    const infra = getInfra();
    receiver = await startOtlpReceiver();
    db = await createTestDatabase('e2e_tracing');
    const env = {
      FUSION_MODE: 'distributed',
      DATABASE_URL: db.url,
      KAFKA_BROKERS: infra.kafkaBrokers,
      KAFKA_NAMESPACE: kafkaNamespace('tracing'),
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
      ROUTER_AUTO_TRAIN_EVERY: '0',
    };
    [ingestion, routing] = await Promise.all([
      startServiceProcess('ingestion', env),
      startServiceProcess('routing', env),
    ]);
    client = createGrpcClient(
      ingestion.grpcAddress,
      'fusion/ingestion/v1/ingestion.proto',
      'fusion.ingestion.v1.IngestionService',
    );
  });

  afterAll(async () => {
    client?.close();
    const codes = await Promise.all([ingestion, routing].filter(Boolean).map((p) => p.stop()));
    await receiver?.close();
    await db?.drop();
    expect(codes.every((c) => c === 0)).toBe(true);
  });

  it('exports one trace, started by the caller’s traceparent, from ingestion’s gRPC and DB spans to routing’s Kafka consumer', async () => {
    let traceId = '';
    let callerSpanId = '';
    const ours = (): ReceivedSpan[] => receiver.trace(traceId);
    const serverSpan = (): ReceivedSpan | undefined =>
      ours().find(
        (s) =>
          s.serviceName === 'fusion-ingestion' &&
          s.kind === SPAN_KIND.server &&
          s.name.endsWith('/IngestLogs'),
      );
    const consumerSpans = (): ReceivedSpan[] =>
      ours().filter((s) => s.serviceName === 'fusion-routing' && s.kind === SPAN_KIND.consumer);
    const misses: string[] = [];
    // The consumer span of a Kafka batch continues the trace of the batch's FIRST message (kafka-message-bus.ts).
    // Suites running beside this one publish to the same topic, and a foreign message ahead of ours in a batch
    // takes the span; so a fresh request (new trace) is tried a bounded number of times. A broken chain fails all.
    for (let attempt = 1; attempt <= ATTEMPTS; attempt += 1) {
      traceId = randomBytes(16).toString('hex');
      callerSpanId = randomBytes(8).toString('hex');
      const metadata = new Metadata();
      metadata.set('traceparent', `00-${traceId}-${callerSpanId}-01`);
      const records = Array.from({ length: RECORDS }, (_, i) => record(attempt, i));
      const res = await ingestWithMetadata(client, metadata, records);
      expect(res).toMatchObject({ accepted: RECORDS, duplicates: 0, rejected: 0 });
      try {
        // The SDK batches spans (500 ms); the consumer span ends after routing's inbox transaction commits.
        await waitFor(
          () =>
            serverSpan() !== undefined &&
            consumerSpans().some((c) => ours().some((s) => s.parentSpanId === c.spanId)),
          20_000,
          'ingestion’s server span and routing’s consumer span (with its DB children) in our trace',
          100,
        );
        break;
      } catch (err) {
        misses.push(`attempt ${attempt} (trace ${traceId}): ${(err as Error).message}`);
        if (attempt === ATTEMPTS) {
          throw new Error(
            `${misses.join('\n')}\nreceived:\n${describeSpans(receiver.spans())}\nrefused: ${receiver.rejected().join('; ')}`,
          );
        }
      }
    }
    const spans = ours();
    const byId = new Map(spans.map((s) => [s.spanId, s]));
    /** Walks up the parents inside our trace; the caller's own span is the root we passed in. */
    const ancestors = (s: ReceivedSpan): ReceivedSpan[] => {
      const out: ReceivedSpan[] = [];
      for (let p = byId.get(s.parentSpanId); p; p = byId.get(p.parentSpanId)) out.push(p);
      return out;
    };

    // gRPC → ingestion: the server span is a child of the caller's span from the traceparent header.
    const server = serverSpan() as ReceivedSpan;
    expect(server).toMatchObject({
      parentSpanId: callerSpanId,
      name: 'grpc.fusion.ingestion.v1.IngestionService/IngestLogs',
    });
    expect(server.attributes['rpc.grpc.status_code']).toBe(0);

    // ingestion → event store/outbox: its PostgreSQL spans hang under the server span, the event insert among them.
    const ingestionDb = spans.filter(
      (s) =>
        s.serviceName === 'fusion-ingestion' && s.kind === SPAN_KIND.client && s.name.startsWith('pg.query'),
    );
    expect(ingestionDb.length).toBeGreaterThan(0);
    for (const s of ingestionDb) expect(ancestors(s)).toContain(server);
    const statements = ingestionDb.map((s) =>
      String(s.attributes['db.statement'] ?? s.attributes['db.query.text'] ?? ''),
    );
    expect(statements.some((q) => /INSERT INTO "?events"?/i.test(q))).toBe(true);
    expect(statements.some((q) => /INSERT INTO "?outbox"?/i.test(q))).toBe(true);

    // outbox → Kafka → routing: the consumer span continues the trace from the Kafka traceparent header...
    const consumers = consumerSpans();
    expect(consumers.length).toBeGreaterThan(0);
    for (const c of consumers) {
      expect(c.name).toBe(`${Topics.LogsRecorded} process`);
      expect(c.attributes).toMatchObject({
        'messaging.system': 'kafka',
        'messaging.destination.name': Topics.LogsRecorded,
        'messaging.consumer.group.name': ConsumerGroups.RoutingTrainingSet,
      });
      // ...whose parent is a span ingestion exported in this trace (the request's), not a fresh root.
      const parent = byId.get(c.parentSpanId);
      expect(parent?.serviceName).toBe('fusion-ingestion');
      expect(ancestors(c)).toContain(server);
    }
    // ...and routing's own DB work for that event (inbox transaction) is inside it.
    const routingDb = spans.filter((s) => s.serviceName === 'fusion-routing' && s.name.startsWith('pg.'));
    expect(routingDb.some((s) => consumers.some((c) => ancestors(s).includes(c)))).toBe(true);

    // Logs → trace: ingestion's JSON request log line for this call carries our trace id.
    await waitFor(
      () => requestLogLines(ingestion.logFile, traceId).length > 0,
      5_000,
      'ingestion’s request log line',
      100,
    );
    const lines = requestLogLines(ingestion.logFile, traceId);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      service: 'fusion-ingestion',
      trace_id: traceId,
      span_id: server.spanId,
      span_kind: 'server',
      outcome: 'ok',
    });
  });

  /** JSON lines of a service log that belong to our trace and record the IngestLogs call. */
  function requestLogLines(file: string, traceId: string): Record<string, unknown>[] {
    return readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((l) => l['trace_id'] === traceId && String(l['span']).endsWith('/IngestLogs'));
  }
});
