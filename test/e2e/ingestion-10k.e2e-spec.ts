import 'reflect-metadata';
import type { Client } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Topics, type EventEnvelope, type LogRecordedV1 } from '@fusion/contracts';
import { KafkaMessageBus } from '@fusion/shared/messaging';
import { createTestDatabase, getInfra, waitFor, type TestDatabase } from '@fusion/shared/testing';
import { clientStream, createGrpcClient, unary } from '@fusion/shared/transport';
import { kafkaNamespace, startServiceProcess, type ServiceProcess } from '../support/service-process';

const TOTAL = 10_000;
const RESENT = 1_000;
const BATCH = 500;
// Kafka topics outlive test databases: a tenant of its own keeps other runs' records apart.
const TENANT = `e2e-ingest-${Date.now().toString(36)}`;

/** A deterministic record with every canonical field set, so "fields intact" is checked field by field. */
function makeRecord(i: number): Record<string, unknown> {
  const think = i % 2 === 1;
  return {
    recordId: `e2e-${i}`,
    tenant: TENANT,
    taskName: ['gsm8k', 'mmlu', 'mbpp', 'squad'][i % 4],
    queryId: `q-${Math.floor(i / 8)}`,
    query: `Synthetic e2e question #${Math.floor(i / 8)}: what is ${i} squared?`,
    promptMode: think ? 'think' : 'direct',
    llm: `model-${(i >> 1) % 4}`,
    response: `The answer is ${i * i}. ` + 'x'.repeat(i % 50),
    groundTruth: String(i * i),
    metric: 'GSM8K',
    performance: (i % 10) / 10,
    judgeScore: ((i * 7) % 11) / 10,
    inputTokens: 100 + (i % 37),
    outputTokens: 20 + (i % 13),
    inputPrice: 0.15,
    outputPrice: 0.6,
    costUsd: Number(((100 + (i % 37)) * 0.15e-6 + (20 + (i % 13)) * 0.6e-6).toFixed(12)),
    latencyMs: 100 + (i % 500),
    split: i % 5 === 0 ? 'test' : 'train',
    createdAt: new Date(Date.UTC(2026, 0, 1, 0, 0, i % 60)).toISOString(),
    metadata: { batch: Math.floor(i / BATCH), tags: ['e2e', `n${i % 3}`], nested: { ok: true } },
  };
}

describe('ingestion e2e: 10,000 records over gRPC into the distributed deployment', () => {
  let db: TestDatabase;
  let ingestion: ServiceProcess;
  let client: Client;
  let bus: KafkaMessageBus;
  const seenEvents = new Set<string>();
  let deliveries = 0;

  beforeAll(async () => {
    const infra = getInfra();
    db = await createTestDatabase('e2e_ingest');
    const namespace = kafkaNamespace('ingest');
    ingestion = await startServiceProcess('ingestion', {
      FUSION_MODE: 'distributed',
      DATABASE_URL: db.url,
      KAFKA_BROKERS: infra.kafkaBrokers,
      KAFKA_NAMESPACE: namespace,
    });
    client = createGrpcClient(
      ingestion.grpcAddress,
      'fusion/ingestion/v1/ingestion.proto',
      'fusion.ingestion.v1.IngestionService',
    );
    bus = new KafkaMessageBus({ brokers: infra.kafkaBrokers.split(','), clientId: 'e2e-reader', namespace });
    await bus.subscribe({
      groupId: `e2e-ingest-reader-${Date.now()}`,
      topics: [Topics.LogsRecorded],
      commitEvery: 500,
      handler: async (m) => {
        const env = JSON.parse(m.value.toString()) as EventEnvelope<LogRecordedV1>;
        if (env.tenant === TENANT && env.data.record.recordId.startsWith('e2e-')) {
          deliveries += 1;
          seenEvents.add(env.data.record.recordId);
        }
      },
    });
  });

  afterAll(async () => {
    client?.close();
    await bus?.close();
    expect(await ingestion?.stop()).toBe(0);
    await db?.drop();
  });

  it('accepts 10,000, reports 1,000 re-sent records as duplicates, and reads back exactly 10,000 distinct records intact', async () => {
    const batches = function* (): Generator<{ records: Record<string, unknown>[] }> {
      for (let i = 0; i < TOTAL; i += BATCH) {
        yield { records: Array.from({ length: BATCH }, (_, k) => makeRecord(i + k)) };
      }
    };
    const first = await clientStream<unknown, { accepted: number; duplicates: number; rejected: number }>(
      client,
      'IngestLogs',
      batches(),
    );
    expect(first).toMatchObject({ accepted: TOTAL, duplicates: 0, rejected: 0 });

    const resend = function* (): Generator<{ records: Record<string, unknown>[] }> {
      for (let i = 0; i < RESENT; i += BATCH) {
        yield { records: Array.from({ length: BATCH }, (_, k) => makeRecord(((i + k) * 7) % TOTAL)) };
      }
    };
    const second = await clientStream<unknown, { accepted: number; duplicates: number; rejected: number }>(
      client,
      'IngestLogs',
      resend(),
    );
    expect(second).toMatchObject({ accepted: 0, duplicates: RESENT, rejected: 0 });

    const ids = new Set<string>();
    let token = '';
    let total = 0;
    do {
      const page = await unary<
        unknown,
        { records: Record<string, unknown>[]; nextPageToken: string; total: number }
      >(client, 'ListLogs', { tenant: TENANT, pageSize: 2000, pageToken: token });
      total = page.total;
      for (const r of page.records) {
        const i = Number(String(r['recordId']).slice('e2e-'.length));
        const expected = makeRecord(i);
        // Every field the producer sent comes back unchanged (domain derived from the task name).
        expect(r).toMatchObject(expected);
        ids.add(String(r['recordId']));
      }
      token = page.nextPageToken;
    } while (token);
    expect(total).toBe(TOTAL);
    expect(ids.size).toBe(TOTAL);
  });

  it('publishes exactly one LogRecorded event per distinct record to Kafka through the outbox', async () => {
    await waitFor(() => seenEvents.size >= TOTAL, 120_000, '10,000 LogRecorded events on Kafka');
    expect(seenEvents.size).toBe(TOTAL);
    await new Promise((r) => setTimeout(r, 1000));
    expect(deliveries).toBe(TOTAL); // the 1,000 re-sent records produced no second event
  });
});
