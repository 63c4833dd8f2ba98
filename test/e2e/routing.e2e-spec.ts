import 'reflect-metadata';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { status, type Client } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SeededRandom } from '@fusion/shared/kernel';
import {
  createTestDatabase,
  getInfra,
  startFakeOpenAi,
  waitFor,
  type FakeOpenAiServer,
  type TestDatabase,
} from '@fusion/shared/testing';
import { clientStream, createGrpcClient, unary } from '@fusion/shared/transport';
import { kafkaNamespace, startServiceProcess, type ServiceProcess } from '../support/service-process';

/**
 * Query-level fusion on the distributed deployment: ingestion and routing as their own processes on real Kafka and
 * PostgreSQL, LLM backends served by a real OpenAI-compatible HTTP server started here. Deterministic synthetic logs:
 * each task has exactly one model that answers right.
 */
const VOCAB: Record<string, string[]> = {
  math: ['integral', 'derivative', 'equation', 'prime', 'matrix', 'limit', 'theorem', 'polynomial'],
  code: ['python', 'function', 'loop', 'compile', 'array', 'class', 'recursion', 'pointer'],
  sql: ['select', 'join', 'table', 'index', 'groupby', 'schema', 'column', 'transaction'],
};
const RIGHT: Record<string, string> = { math: 'model-a', code: 'model-b', sql: 'model-c' };
const COST: Record<string, number> = {
  'model-a': 0.001,
  'model-b': 0.001,
  'model-c': 0.0002,
  'model-d': 0.01,
};
const MODELS = Object.keys(COST);
// Kafka topics outlive test databases: a tenant of its own keeps other runs' logs out of this one.
const TENANT = `e2e-routing-${Date.now().toString(36)}`;

function query(task: string, rng: SeededRandom): string {
  const words = VOCAB[task] as string[];
  return `please ${task === 'code' ? 'write' : 'solve'} this ${Array.from({ length: 6 }, () => words[rng.int(words.length)]).join(' ')} task`;
}

function logs(prefix: string, tasks: string[], perTask: number, seed: number): Record<string, unknown>[] {
  const rng = new SeededRandom(seed);
  const out: Record<string, unknown>[] = [];
  for (const task of tasks) {
    for (let q = 0; q < perTask; q++) {
      const text = `${query(task, rng)} #${prefix}-${q}`;
      for (const llm of MODELS) {
        out.push({
          record_id: `${prefix}-${task}-${q}-${llm}`,
          tenant: TENANT,
          task_name: `e2e_${task}`,
          query: text,
          llm,
          response: `${llm} answer`,
          performance: RIGHT[task] === llm ? 1 : 0,
          cost_usd: COST[llm],
          input_tokens: 50,
          output_tokens: 20,
        });
      }
    }
  }
  return out;
}

interface RouterVersionMsg {
  routerId: string;
  version: number;
  kind: string;
  status: string;
}

describe('routing e2e: RouteQuery, execution with fallback, log-back, and gated retraining on new logs', () => {
  let db: TestDatabase;
  let fake: FakeOpenAiServer;
  let ingestion: ServiceProcess;
  let routingProc: ServiceProcess;
  let ingest: Client;
  let routing: Client;

  const send = async (records: Record<string, unknown>[]): Promise<void> => {
    const batches = [];
    for (let i = 0; i < records.length; i += 200) batches.push({ records: records.slice(i, i + 200) });
    const res = await clientStream<unknown, { accepted: number; rejected: number }>(
      ingest,
      'IngestLogs',
      batches,
    );
    expect(res).toMatchObject({ accepted: records.length, rejected: 0 });
  };
  const listRouters = (): Promise<{ routers: RouterVersionMsg[]; champion?: RouterVersionMsg }> =>
    unary(routing, 'ListRouters', { tenant: TENANT });
  const decide = (
    q: string,
  ): Promise<{
    decision: { chosen: string; ranked: { candidate: string }[]; routerVersion: number; reason: string };
  }> => unary(routing, 'RouteQuery', { tenant: TENANT, query: q, policy: { scenario: 'balance' }, mode: 1 });

  // The registry commits a promotion before the serving replica swaps its in-memory champion (it reloads right after
  // the commit): after ListRouters names a new champion, wait briefly until RouteQuery is served by it.
  const servedBy = (version: number): Promise<void> =>
    waitFor(
      async () => (await decide('please solve this integral task')).decision.routerVersion === version,
      10_000,
      `v${version} to be served`,
    );

  beforeAll(async () => {
    const infra = getInfra();
    db = await createTestDatabase('e2e_routing');
    fake = await startFakeOpenAi({
      scripts: {
        'model-a': {
          kind: 'reply',
          text: 'model-a says: the integral is 42',
          usage: { promptTokens: 30, completionTokens: 9 },
        },
        'model-b': {
          kind: 'reply',
          text: 'model-b says: def f(): return 42',
          usage: { promptTokens: 30, completionTokens: 11 },
        },
        'model-c': {
          kind: 'reply',
          text: 'model-c says: SELECT 42',
          usage: { promptTokens: 30, completionTokens: 5 },
        },
        'model-d': {
          kind: 'reply',
          text: 'model-d says: 42',
          usage: { promptTokens: 30, completionTokens: 4 },
        },
      },
    });
    const dir = mkdtempSync(join(tmpdir(), 'fusion-backends-'));
    const backendsFile = join(dir, 'backends.json');
    writeFileSync(
      backendsFile,
      JSON.stringify(
        MODELS.map((m) => ({
          name: m,
          endpoint: fake.url,
          model: m,
          kind: 'api',
          prices: { inputPerMillionTokens: COST[m]! * 1000, outputPerMillionTokens: COST[m]! * 2000 },
        })),
      ),
    );
    const env = {
      FUSION_MODE: 'distributed',
      DATABASE_URL: db.url,
      KAFKA_BROKERS: infra.kafkaBrokers,
      KAFKA_NAMESPACE: kafkaNamespace('routing'),
    };
    ingestion = await startServiceProcess('ingestion', env);
    routingProc = await startServiceProcess('routing', {
      ...env,
      FUSION_BACKENDS_FILE: backendsFile,
      ROUTER_AUTO_TRAIN_EVERY: '150',
      ROUTER_AUTO_TRAIN_DEBOUNCE_MS: '1500',
      ROUTER_KINDS: 'knn,linear',
      ROUTING_ATTEMPT_TIMEOUT_MS: '2000',
    });
    ingest = createGrpcClient(
      ingestion.grpcAddress,
      'fusion/ingestion/v1/ingestion.proto',
      'fusion.ingestion.v1.IngestionService',
    );
    routing = createGrpcClient(
      routingProc.grpcAddress,
      'fusion/routing/v1/routing.proto',
      'fusion.routing.v1.RoutingService',
    );
  });

  afterAll(async () => {
    ingest?.close();
    routing?.close();
    const codes = await Promise.all([routingProc?.stop(), ingestion?.stop()]);
    expect(codes).toEqual([0, 0]);
    await fake?.stop();
    await db?.drop();
  });

  it('before any log: RouteQuery is FAILED_PRECONDITION, and bad policies are INVALID_ARGUMENT naming the field', async () => {
    await expect(decide('please solve this integral task')).rejects.toMatchObject({
      code: status.FAILED_PRECONDITION,
    });
    await expect(
      unary(routing, 'RouteQuery', { tenant: TENANT, query: 'x', policy: { alpha: 0, beta: 0 }, mode: 1 }),
    ).rejects.toMatchObject({
      code: status.INVALID_ARGUMENT,
      details: expect.stringMatching(/policy\.(alpha|beta)/),
    });
    await expect(unary(routing, 'RouteQuery', { tenant: TENANT, query: '', mode: 1 })).rejects.toMatchObject({
      code: status.INVALID_ARGUMENT,
      details: expect.stringMatching(/query/),
    });
  });

  it('logs of two tasks flow ingestion → Kafka → routing; auto-training registers and promotes v1', async () => {
    await send(logs('p1', ['math', 'code'], 40, 1));
    await waitFor(async () => (await listRouters()).champion?.version === 1, 120_000, 'v1 champion');
    await servedBy(1);
    const res = await decide(`please solve this integral derivative equation prime matrix limit task`);
    expect(res.decision.chosen).toBe('model-a');
    expect(res.decision.routerVersion).toBe(1);
    expect(
      (await decide('please write this python function loop compile array class task')).decision.chosen,
    ).toBe('model-b');
  });

  it('executes: the chosen backend answers over HTTP, and the request is logged back into ingestion', async () => {
    const res = await unary<
      unknown,
      {
        decision: { chosen: string };
        completion: {
          text: string;
          servedBy: string;
          inputTokens: number;
          outputTokens: number;
          costUsd: number;
          latencyMs: number;
          loggedRecordId: string;
        };
        attempts: { candidate: string; ok: boolean }[];
      }
    >(routing, 'RouteQuery', {
      tenant: TENANT,
      query: 'please write this python recursion pointer class loop task',
      policy: { scenario: 'balance' },
      mode: 2,
    });
    expect(res.completion.text).toBe('model-b says: def f(): return 42');
    expect(res.completion).toMatchObject({ servedBy: 'model-b', inputTokens: 30, outputTokens: 11 });
    expect(res.completion.costUsd).toBeGreaterThan(0);
    expect(res.completion.latencyMs).toBeGreaterThan(0);
    expect(res.attempts).toEqual([expect.objectContaining({ candidate: 'model-b', ok: true })]);
    expect(fake.requestsFor('model-b').at(-1)?.lastUserMessage).toContain('python recursion');
    let logged: { record: { llm: string; response: string; query: string } } | undefined;
    await waitFor(
      async () => {
        logged = await unary<unknown, { record: { llm: string; response: string; query: string } }>(
          ingest,
          'GetLog',
          {
            tenant: TENANT,
            recordId: res.completion.loggedRecordId,
          },
        ).catch(() => undefined);
        return logged !== undefined;
      },
      60_000,
      'the executed request as a new log record',
    );
    expect(logged?.record).toMatchObject({ llm: 'model-b', response: 'model-b says: def f(): return 42' });
  });

  it('falls back down the ranked list when the chosen backend fails, reporting every attempt', async () => {
    fake.script('model-a', { kind: 'always_fail', status: 500, message: 'GPU node drained' });
    const res = await unary<
      unknown,
      {
        completion: { servedBy: string; text: string };
        attempts: { candidate: string; ok: boolean; error: string }[];
      }
    >(routing, 'RouteQuery', {
      tenant: TENANT,
      query: 'please solve this integral theorem polynomial limit prime task',
      policy: { scenario: 'balance' },
      mode: 2,
    });
    expect(res.attempts[0]).toMatchObject({ candidate: 'model-a', ok: false });
    expect(res.attempts[0]?.error).toMatch(/500|server_error/);
    expect(res.attempts.at(-1)?.ok).toBe(true);
    expect(res.completion.servedBy).not.toBe('model-a');
  });

  it('a retrain triggered by logs of a new task beats the champion on held-out reward and is promoted (gate passes)', async () => {
    // v1 never saw SQL queries; the new logs say model-c (the cheapest) is the one that answers them.
    await send(logs('p2', ['sql'], 40, 2));
    await waitFor(async () => (await listRouters()).champion?.version === 2, 120_000, 'v2 promoted');
    await servedBy(2);
    expect(
      (await decide('please solve this select join table index groupby schema task')).decision.chosen,
    ).toBe('model-c');
  });

  it('a retrain on more logs of the same kind cannot beat the champion and is rejected (gate fails)', async () => {
    await send(logs('p3', ['math', 'code', 'sql'], 15, 3));
    await waitFor(
      async () => (await listRouters()).routers.some((r) => r.version === 3),
      120_000,
      'v3 registered',
    );
    const after = await listRouters();
    expect(after.champion?.version).toBe(2);
    expect(after.routers.find((r) => r.version === 3)?.status).toBe('rejected');
  });
});
