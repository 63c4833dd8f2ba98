import 'reflect-metadata';
import { status, type Client } from '@grpc/grpc-js';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Topics, type EventEnvelope, type LogRecordedV1 } from '@fusion/contracts';
import { InProcessMessageBus, type IncomingMessage } from '@fusion/shared/messaging';
import { startTestService, waitFor } from '@fusion/shared/testing';
import type { RunningService } from '@fusion/shared/runtime';
import { clientStream, createGrpcClient, unary } from '@fusion/shared/transport';
import { ingestionContext } from './ingestion.module';

function record(i: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    recordId: `rec-${i}`,
    taskName: 'gsm8k',
    query: `What is ${i} + ${i}?`,
    llm: i % 2 === 0 ? 'model-a' : 'model-b',
    response: `The answer is ${2 * i}.`,
    groundTruth: String(2 * i),
    metric: 'GSM8K',
    performance: 1,
    inputTokens: 10,
    outputTokens: 5,
    costUsd: 0.0001,
    metadata: { source: 'spec', n: i },
    ...extra,
  };
}

describe('ingestion service (embedded backbone, real gRPC and HTTP)', () => {
  let svc: RunningService;
  let client: Client;
  const bus = new InProcessMessageBus();
  const recorded: IncomingMessage[] = [];

  beforeAll(async () => {
    svc = await startTestService([ingestionContext({ maxRecordsPerRequest: 500 })], {
      bus,
      serviceName: 'fusion-ingestion',
      bodyLimitBytes: 256 * 1024,
    });
    await bus.subscribe({
      groupId: 'spec-reader',
      topics: [Topics.LogsRecorded],
      handler: async (m) => void recorded.push(m),
    });
    client = createGrpcClient(
      svc.grpcAddress,
      'fusion/ingestion/v1/ingestion.proto',
      'fusion.ingestion.v1.IngestionService',
    );
  });
  afterAll(async () => {
    client?.close();
    await svc?.close();
    await bus.close();
  });

  it('streams batches over gRPC: accepts valid records, rejects bad ones with the field named, counts duplicates', async () => {
    const batches = [
      { records: [record(1), record(2), record(3)] },
      {
        records: [record(1), { ...record(4), performance: 1.5 }, { llm: 'x', response: 'y', performance: 1 }],
      },
    ];
    const res = await clientStream<
      unknown,
      {
        accepted: number;
        duplicates: number;
        rejected: number;
        results: {
          index: number;
          recordId: string;
          status: number;
          violations: { field: string; reason: string }[];
        }[];
        rejectedByReason: Record<string, number>;
      }
    >(client, 'IngestLogs', batches);
    expect(res.accepted).toBe(3);
    expect(res.duplicates).toBe(1);
    expect(res.rejected).toBe(2);
    const byIndex = new Map(res.results.map((r) => [r.index, r]));
    expect(byIndex.get(3)?.status).toBe(2); // duplicate of rec-1, index counted across batches
    expect(byIndex.get(4)?.violations[0]?.field).toBe('performance');
    expect(byIndex.get(4)?.violations[0]?.reason).toMatch(/out_of_range/);
    expect(byIndex.get(5)?.violations.map((v) => v.field)).toContain('query');
    expect(res.rejectedByReason['out_of_range']).toBe(1);
  });

  it('publishes one LogRecorded event per accepted record through the outbox', async () => {
    await waitFor(() => recorded.length >= 3, 10_000, 'LogRecorded events');
    const envs = recorded.map((m) => JSON.parse(m.value.toString()) as EventEnvelope<LogRecordedV1>);
    expect(envs.map((e) => e.data.record.recordId).sort()).toEqual(['rec-1', 'rec-2', 'rec-3']);
    expect(envs[0]!.type).toBe('LogRecorded');
    expect(envs[0]!.streamId).toMatch(/^query-default-/);
    expect(recorded[0]!.key).toBe(envs[0]!.streamId);
  });

  it('accepts live records without a score (scored later) but still requires query and llm', async () => {
    const res = await clientStream<unknown, { accepted: number; rejected: number }>(client, 'IngestLogs', [
      {
        records: [
          {
            recordId: 'live-1',
            query: 'What is 2+2?',
            llm: 'model-a',
            response: '4',
            groundTruth: '4',
            metric: 'GSM8K',
          },
        ],
      },
    ]);
    expect(res).toMatchObject({ accepted: 1, rejected: 0 });
    const back = await unary<unknown, { record: Record<string, unknown> }>(client, 'GetLog', {
      recordId: 'live-1',
    });
    expect(back.record['performance']).toBeUndefined();
    expect(back.record['judgeScore']).toBeUndefined();
  });

  it('reads a record back over gRPC with its fields intact, and NOT_FOUND for an unknown id', async () => {
    const res = await unary<unknown, { record: Record<string, unknown> }>(client, 'GetLog', {
      recordId: 'rec-2',
    });
    expect(res.record).toMatchObject({
      recordId: 'rec-2',
      tenant: 'default',
      taskName: 'gsm8k',
      taskDomain: 'math',
      llm: 'model-a',
      promptMode: 'direct',
      performance: 1,
      inputTokens: 10,
      costUsd: 0.0001,
      groundTruth: '4',
    });
    expect(res.record['metadata']).toMatchObject({ source: 'spec', n: 2 });
    await expect(unary(client, 'GetLog', { recordId: 'nope' })).rejects.toMatchObject({
      code: status.NOT_FOUND,
    });
    await expect(unary(client, 'GetLog', {})).rejects.toMatchObject({ code: status.INVALID_ARGUMENT });
  });

  it('pages through records in ingestion order', async () => {
    const first = await unary<
      unknown,
      { records: { recordId: string }[]; nextPageToken: string; total: number }
    >(client, 'ListLogs', { pageSize: 2 });
    expect(first.total).toBe(4);
    expect(first.records.map((r) => r.recordId)).toEqual(['rec-1', 'rec-2']);
    const second = await unary<unknown, { records: { recordId: string }[]; nextPageToken: string }>(
      client,
      'ListLogs',
      {
        pageSize: 2,
        pageToken: first.nextPageToken,
      },
    );
    expect(second.records.map((r) => r.recordId)).toEqual(['rec-3', 'live-1']);
    expect(second.nextPageToken).toBe('');
    await expect(unary(client, 'ListLogs', { pageToken: 'garbage!' })).rejects.toMatchObject({
      code: status.INVALID_ARGUMENT,
    });
  });

  it('refuses a gRPC batch over the per-request record limit with RESOURCE_EXHAUSTED naming it', async () => {
    const big = { records: Array.from({ length: 501 }, (_, i) => record(1000 + i)) };
    await expect(clientStream(client, 'IngestLogs', [big])).rejects.toMatchObject({
      code: status.RESOURCE_EXHAUSTED,
      details: expect.stringMatching(/501 records exceed the limit of 500/),
    });
  });

  it('takes JSON arrays and NDJSON over HTTP, rejecting malformed lines by line number', async () => {
    const http = request(svc.app.getHttpServer());
    const json = await http
      .post('/v1/logs')
      .send([record(10), record(11), { query: 'q', llm: 'm', response: 'r', judge_score: -1 }]);
    expect(json.status).toBe(200);
    expect(json.body).toMatchObject({ accepted: 2, duplicates: 0, rejected: 1 });
    expect(json.body.results[0]).toMatchObject({ index: 2, status: 'rejected', reason: 'out_of_range' });
    expect(json.body.results[0].violations[0].field).toBe('judge_score');

    const ndjson = [JSON.stringify(record(12)), '{"query": broken', '', JSON.stringify(record(10))].join(
      '\n',
    );
    const nd = await http.post('/v1/logs').set('Content-Type', 'application/x-ndjson').send(ndjson);
    expect(nd.status).toBe(200);
    expect(nd.body).toMatchObject({
      accepted: 1,
      duplicates: 1,
      rejected: 1,
      rejected_by_reason: { malformed_json: 1 },
    });
    expect(nd.body.results.find((r: { status: string }) => r.status === 'rejected').violations[0].field).toBe(
      'line 2',
    );

    const got = await http.get('/v1/logs/rec-12');
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({ record_id: 'rec-12', llm: 'model-a', performance: 1 });
    expect((await http.get('/v1/logs/nope')).status).toBe(404);
  });

  it('answers malformed HTTP bodies with 400 problem+json and oversized ones with 413 naming the limit', async () => {
    const http = request(svc.app.getHttpServer());
    const bad = await http.post('/v1/logs').set('Content-Type', 'application/json').send('{"records": [');
    expect(bad.status).toBe(400);
    expect(bad.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(bad.body.detail).toMatch(/not valid JSON/);
    const notArray = await http.post('/v1/logs').send({ foo: 1 });
    expect(notArray.status).toBe(400);
    expect(notArray.body.detail).toMatch(/body: must be a JSON array/);
    const huge = await http.post('/v1/logs').send([{ ...record(99), response: 'x'.repeat(300 * 1024) }]);
    expect(huge.status).toBe(413);
    expect(huge.body.detail).toMatch(/exceeds the limit of 262144 bytes/);
  });
});
