import 'reflect-metadata';
import { status, type Client } from '@grpc/grpc-js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Topics, type EventEnvelope, type RouteDecidedV1, type RouteExecutedV1 } from '@fusion/contracts';
import { SeededRandom } from '@fusion/shared/kernel';
import { InProcessMessageBus } from '@fusion/shared/messaging';
import type { RunningService } from '@fusion/shared/runtime';
import { startFakeOpenAi, startTestService, waitFor, type FakeOpenAiServer } from '@fusion/shared/testing';
import { createGrpcClient, serverStream, unary } from '@fusion/shared/transport';
// The spec hosts ingestion beside routing so records reach the projection through real LogRecorded events and
// the log-back of executed requests is stored by ingestion's raw consumer.

import { ingestionContext } from '@fusion/ingestion';
import type { RoutingSampleStore } from '../application/ports/routing-sample.store.port';
import { routingContext } from './routing.module';
import { ROUTING_SAMPLE_STORE } from './routing.tokens';
import { FIXTURE_LLMS, fixtureQuery, fixtureRecords } from './testing/routing-log.fixture';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Any = any;

const MODE_DECIDE = 1;
const MODE_EXECUTE = 2;

describe('routing service (embedded backbone, ingestion hosted beside it, fake OpenAI backends)', () => {
  let svc: RunningService;
  let routing: Client;
  let ingestion: Client;
  let fake: FakeOpenAiServer;
  let dir: string;
  const bus = new InProcessMessageBus();
  const routeEvents: EventEnvelope[] = [];
  const rng = new SeededRandom(99);
  const mathQuery = (): string => fixtureQuery('math', rng);
  const codeQuery = (): string => fixtureQuery('code', rng);

  const route = (req: Record<string, unknown>): Promise<Any> => unary(routing, 'RouteQuery', req);
  const decide = (
    query: string,
    policy: Record<string, unknown> = {},
    extra: Record<string, unknown> = {},
  ): Promise<Any> => route({ query, policy, mode: MODE_DECIDE, ...extra });
  const execute = (
    query: string,
    policy: Record<string, unknown> = {},
    extra: Record<string, unknown> = {},
  ): Promise<Any> => route({ query, policy, mode: MODE_EXECUTE, ...extra });
  const replies = (): void => {
    for (const llm of FIXTURE_LLMS) {
      fake.script(`served-${llm}`, {
        kind: 'fn',
        fn: (req) => ({
          text: `${llm} says: ${req.lastUserMessage ?? ''}`,
          usage: { promptTokens: 100, completionTokens: 50 },
        }),
      });
    }
  };

  beforeAll(async () => {
    fake = await startFakeOpenAi();
    replies();
    dir = mkdtempSync(join(tmpdir(), 'fusion-routing-'));
    const backendsFile = join(dir, 'backends.json');
    writeFileSync(
      backendsFile,
      JSON.stringify(
        FIXTURE_LLMS.map((name) => ({
          name,
          endpoint: `${fake.url}/v1`,
          model: `served-${name}`,
          kind: name === 'model-a' ? 'vllm' : 'api',
          prices: { inputPerMillionTokens: 1, outputPerMillionTokens: 2 },
          descriptors: { family: name },
          timeoutMs: name === 'model-a' ? 500 : 5000,
        })),
      ),
    );
    svc = await startTestService(
      [
        ingestionContext(),
        routingContext({
          backendsFile,
          autoTrainEvery: 0,
          kinds: ['knn'],
          trainingThread: 'inline',
          maxQueryBytes: 4096,
          championPollMs: 0,
          unhealthyAfterFailures: 100,
          thoughtAugmenter: {
            augment: async ({ query, taskHint }) => ({
              prompt: `[template for ${taskHint ?? '?'}]\n${query}`,
              templates: 1,
            }),
          },
        }),
      ],
      { bus, serviceName: 'fusion-routing' },
    );
    await bus.subscribe({
      groupId: 'spec-route-events',
      topics: [Topics.RoutesDecided, Topics.RoutesExecuted],
      handler: async (m) => void routeEvents.push(JSON.parse(m.value.toString()) as EventEnvelope),
    });
    routing = createGrpcClient(
      svc.grpcAddress,
      'fusion/routing/v1/routing.proto',
      'fusion.routing.v1.RoutingService',
    );
    ingestion = createGrpcClient(
      svc.grpcAddress,
      'fusion/ingestion/v1/ingestion.proto',
      'fusion.ingestion.v1.IngestionService',
    );
  }, 60_000);

  afterAll(async () => {
    routing?.close();
    ingestion?.close();
    await svc?.close();
    await fake?.stop();
    await bus.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  describe('before any log', () => {
    it('refuses to route with FAILED_PRECONDITION: no router and no scored samples', async () => {
      await expect(decide(mathQuery())).rejects.toMatchObject({
        code: status.FAILED_PRECONDITION,
        details: expect.stringMatching(/no trained router and no scored log records/),
      });
      await expect(unary(routing, 'TrainRouter', { promoteIfBetter: true })).rejects.toMatchObject({
        code: status.FAILED_PRECONDITION,
        details: expect.stringMatching(/no scored log records to train on/),
      });
    });
  });

  describe('with a logged multi-model log', () => {
    beforeAll(async () => {
      const records = fixtureRecords({ seed: 1, perTask: 30 });
      const res = await request(svc.app.getHttpServer()).post('/v1/logs').send(records);
      expect(res.body).toMatchObject({ accepted: records.length, rejected: 0 });
      const samples = svc.app.get<RoutingSampleStore>(ROUTING_SAMPLE_STORE, { strict: false });
      await waitFor(
        async () => (await samples.countScored('default')) === records.length,
        30_000,
        'routing samples',
      );
    }, 60_000);

    it('without a router, decides with the best single model and reports the fallback', async () => {
      const res = await decide(mathQuery());
      expect(res.decision).toMatchObject({
        fallbackToBestSingle: true,
        routerId: 'best_single',
        reason: expect.stringMatching(/^no trained router yet: .* is the best single model under balance/),
      });
      expect(res.decision.ranked.length).toBeGreaterThan(1);
    });

    it('TrainRouter registers version 1 with held-out metrics and promotes it (no champion yet)', async () => {
      const res = await unary<unknown, Any>(routing, 'TrainRouter', { promoteIfBetter: true });
      expect(res).toMatchObject({
        promoted: true,
        rejected: false,
        router: { routerId: 'knn', version: 1, kind: 'knn', status: 'champion' },
      });
      expect(res.gate).toMatchObject({
        scenario: 'balance',
        passed: true,
        reason: expect.stringMatching(/no champion yet/),
      });
      expect(Object.keys(res.router.rewardByScenario).sort()).toEqual([
        'balance',
        'cost_first',
        'performance_first',
      ]);
      expect(res.evaluated).toEqual([expect.objectContaining({ kind: 'knn', error: '' })]);
      const list = await unary<unknown, Any>(routing, 'ListRouters', {});
      expect(list.champion).toMatchObject({
        version: 1,
        status: 'champion',
        artifactSha256: expect.stringMatching(/^[0-9a-f]{64}$/),
      });
      expect(list.routers).toHaveLength(1);
    });

    it('RouteQuery decide picks the right model per task, with the ranked list, router id/version and a reason', async () => {
      for (let i = 0; i < 5; i++) {
        const math = await decide(mathQuery());
        expect(math.decision).toMatchObject({
          chosen: 'model-a',
          routerId: 'knn',
          routerVersion: 1,
          inferredTask: 'math',
          fallbackToBestSingle: false,
        });
        const code = await decide(codeQuery());
        expect(code.decision).toMatchObject({
          chosen: 'model-b',
          inferredTask: 'code',
          taskSource: 'classifier',
          policy: 'balance',
        });
        const scores = code.decision.ranked.map((r: Any) => r.score);
        expect(scores).toEqual([...scores].sort((a: number, b: number) => b - a));
        expect(code.decision.ranked[0]).toMatchObject({
          candidate: 'model-b',
          llm: 'model-b',
          promptMode: 'direct',
        });
        expect(code.decision.reason).toMatch(/^model-b: best balance score/);
      }
      const pf = await decide(codeQuery(), { scenario: 'performance_first' });
      expect(pf.decision.chosen).toBe('model-b:think');
      const custom = await decide(mathQuery(), { alpha: 0.1, beta: 0.9 });
      expect(custom.decision.policy).toBe('custom(alpha=0.1, beta=0.9)');
    });

    it('applies allowed/excluded models and max cost at request time', async () => {
      const res = await decide(codeQuery(), {
        excludedModels: ['model-b'],
        allowedModels: ['model-b', 'model-c', 'model-d'],
      });
      expect(res.decision.chosen).toBe('model-c');
      expect(res.decision.excluded.map((e: Any) => `${e.candidate}:${e.reason}`).sort()).toEqual([
        'model-a:not_allowed',
        'model-b:excluded',
        'model-b:think:excluded',
      ]);
      const cheap = await decide(mathQuery(), { maxCostUsd: 0.0005 });
      expect(cheap.decision.chosen).toBe('model-c');
    });

    it('records every decision as a RouteDecided event', async () => {
      const res = await decide(mathQuery(), {}, { requestId: 'req-decided-1' });
      await waitFor(
        () => routeEvents.some((e) => (e.data as RouteDecidedV1).requestId === 'req-decided-1'),
        10_000,
        'RouteDecided',
      );
      const event = routeEvents.find((e) => (e.data as RouteDecidedV1).requestId === 'req-decided-1')!;
      expect(event).toMatchObject({ type: 'RouteDecided', streamId: 'route-default-req-decided-1' });
      expect(event.data).toMatchObject({
        routerId: 'knn',
        routerVersion: 1,
        chosen: res.decision.chosen,
        fallbackToBestSingle: false,
        shadow: null,
      });
    });

    it('every bad input is INVALID_ARGUMENT naming the field', async () => {
      const cases: [Record<string, unknown>, RegExp][] = [
        [
          { query: mathQuery(), policy: { allowedModels: ['gpt-9'] } },
          /policy\.allowed_models\[0\]: unknown model 'gpt-9'/,
        ],
        [
          { query: mathQuery(), policy: { excludedModels: ['model-a', 'nope'] } },
          /policy\.excluded_models\[1\]: unknown model 'nope'/,
        ],
        [
          { query: mathQuery(), policy: { alpha: 0, beta: 0 } },
          /policy\.alpha: alpha and beta cannot both be 0/,
        ],
        [
          { query: mathQuery(), policy: { alpha: -1, beta: 1 } },
          /policy\.alpha: must be a finite number >= 0/,
        ],
        [
          { query: mathQuery(), policy: { maxCostUsd: -0.5 } },
          /policy\.max_cost_usd: must be a finite number > 0/,
        ],
        [
          { query: mathQuery(), policy: { latencyBudgetMs: -10 } },
          /policy\.latency_budget_ms: must be a finite number > 0/,
        ],
        [
          { query: mathQuery(), policy: { scenario: 'speed_first' } },
          /policy\.scenario: unknown scenario 'speed_first'/,
        ],
        [{ query: '   ' }, /query: must not be empty/],
        [{ query: 'x'.repeat(5000) }, /query: is 5000 bytes, over the limit of 4096/],
        [{ query: '', messages: [{ role: 'robot', content: 'hi' }] }, /messages\[0\]\.role/],
      ];
      for (const [req, message] of cases) {
        for (const mode of [MODE_DECIDE, MODE_EXECUTE]) {
          await expect(route({ ...req, mode })).rejects.toMatchObject({
            code: status.INVALID_ARGUMENT,
            details: expect.stringMatching(message),
          });
        }
      }
      await expect(unary(routing, 'TrainRouter', { kind: 'forest' })).rejects.toMatchObject({
        code: status.INVALID_ARGUMENT,
        details: expect.stringMatching(/kind: unknown router kind 'forest'/),
      });
    });

    it('execute calls the chosen backend and returns the completion with tokens, cost and latency, logged back to ingestion', async () => {
      fake.reset();
      const query = mathQuery();
      const res = await execute(query, {}, { requestId: 'req-exec-1', maxTokens: 64 });
      expect(res.decision.chosen).toBe('model-a');
      expect(res.completion).toMatchObject({
        text: `model-a says: ${query}`,
        servedBy: 'model-a',
        inputTokens: 100,
        outputTokens: 50,
        finishReason: 'stop',
        loggedRecordId: 'req-exec-1:model-a',
      });
      expect(res.completion.costUsd).toBeCloseTo((100 * 1 + 50 * 2) / 1e6, 12);
      expect(res.completion.latencyMs).toBeGreaterThan(0);
      expect(res.attempts).toEqual([
        expect.objectContaining({ candidate: 'model-a', backend: 'model-a', ok: true, error: '' }),
      ]);
      const sent = fake.requestsFor('served-model-a');
      expect(sent).toHaveLength(1);
      expect(sent[0]!.body).toMatchObject({
        model: 'served-model-a',
        max_tokens: 64,
        messages: [{ role: 'user', content: query }],
      });

      await waitFor(
        () =>
          routeEvents.some(
            (e) => e.type === 'RouteExecuted' && (e.data as RouteExecutedV1).requestId === 'req-exec-1',
          ),
        10_000,
        'RouteExecuted',
      );
      const executed = routeEvents.find(
        (e) => e.type === 'RouteExecuted' && (e.data as RouteExecutedV1).requestId === 'req-exec-1',
      )!;
      expect(executed.data).toMatchObject({
        servedBy: 'model-a',
        inputTokens: 100,
        outputTokens: 50,
        loggedRecordId: 'req-exec-1:model-a',
      });

      let logged: Any;
      await waitFor(
        async () => {
          logged = await unary<unknown, Any>(ingestion, 'GetLog', { recordId: 'req-exec-1:model-a' }).catch(
            () => undefined,
          );
          return logged !== undefined;
        },
        10_000,
        'the log-back record in ingestion',
      );
      expect(logged.record).toMatchObject({
        recordId: 'req-exec-1:model-a',
        llm: 'model-a',
        promptMode: 'direct',
        query,
        response: `model-a says: ${query}`,
        taskName: 'math',
        inputTokens: 100,
        outputTokens: 50,
      });
      expect(logged.record.metadata).toMatchObject({
        source: 'routing',
        request_id: 'req-exec-1',
        router_id: 'knn',
        router_version: 1,
      });
    });

    it('think mode adds the step-by-step line to the prompt sent to the backend', async () => {
      fake.reset();
      const query = codeQuery();
      const res = await execute(query, { scenario: 'performance_first' });
      expect(res.completion.servedBy).toBe('model-b:think');
      const sent = fake.requestsFor('served-model-b');
      expect(sent).toHaveLength(1);
      expect(sent[0]!.lastUserMessage).toBe(`${query}\nLet's think step by step.`);
    });

    it('thought augmentation sends the retrieved-template prompt (think line after it)', async () => {
      fake.reset();
      const query = codeQuery();
      const res = await execute(query, { scenario: 'performance_first', thoughtAugmentation: true });
      expect(res.completion.servedBy).toBe('model-b:think');
      expect(fake.requestsFor('served-model-b')[0]!.lastUserMessage).toBe(
        `[template for code]\n${query}\nLet's think step by step.`,
      );
    });

    it('falls back to the next candidate when the chosen backend answers 500', async () => {
      fake.script('served-model-a', { kind: 'always_fail', status: 500, message: 'GPU on fire' });
      try {
        const res = await execute(mathQuery());
        expect(res.decision.chosen).toBe('model-a');
        const next = res.decision.ranked[1].candidate;
        expect(res.completion.servedBy).toBe(next);
        expect(res.attempts).toHaveLength(2);
        expect(res.attempts[0]).toMatchObject({
          candidate: 'model-a',
          ok: false,
          error: expect.stringMatching(/server_error.*GPU on fire/),
        });
        expect(res.attempts[1]).toMatchObject({ candidate: next, ok: true });
      } finally {
        replies();
      }
    });

    it('falls back when the chosen backend times out', async () => {
      fake.script('served-model-a', { kind: 'delay', ms: 2000, then: { kind: 'reply', text: 'too late' } });
      try {
        const res = await execute(mathQuery());
        expect(res.attempts[0]).toMatchObject({
          candidate: 'model-a',
          ok: false,
          error: expect.stringMatching(/timeout/),
        });
        expect(res.completion.servedBy).toBe(res.decision.ranked[1].candidate);
        expect(res.completion.text).not.toBe('too late');
      } finally {
        replies();
      }
    });

    it('stops falling back when a timed-out attempt plus the next candidate would exceed max_cost_usd', async () => {
      fake.script('served-model-a', { kind: 'delay', ms: 2000, then: { kind: 'reply', text: 'too late' } });
      try {
        const policy = { allowedModels: ['model-a', 'model-d'], maxCostUsd: 0.0105 };
        const planned = await decide(mathQuery(), policy);
        expect(planned.decision.ranked.map((r: Any) => r.candidate)).toEqual(['model-a', 'model-d']);
        await expect(execute(mathQuery(), policy)).rejects.toMatchObject({
          code: status.UNAVAILABLE,
          details: expect.stringMatching(
            /model-a \(model-a\): timeout.*stopped: model-d would exceed max_cost_usd 0\.0105/,
          ),
        });
        // Without the budget, the same failure falls back to model-d.
        const served = await execute(mathQuery(), { allowedModels: ['model-a', 'model-d'] });
        expect(served.completion.servedBy).toBe('model-d');
      } finally {
        replies();
      }
    });

    it('all backends down: UNAVAILABLE listing each attempt', async () => {
      for (const llm of FIXTURE_LLMS)
        fake.script(`served-${llm}`, { kind: 'always_fail', status: 503, message: `${llm} down` });
      try {
        const err = (await execute(mathQuery()).catch((e: unknown) => e)) as Any;
        expect(err.code).toBe(status.UNAVAILABLE);
        expect(err.details).toMatch(/^all 5 attempts failed: /);
        for (const candidate of ['model-a', 'model-b', 'model-b:think', 'model-c', 'model-d']) {
          expect(err.details).toContain(`${candidate} (`);
        }
        const backends = await unary<unknown, Any>(routing, 'ListBackends', {});
        const a = backends.backends.find((b: Any) => b.name === 'model-a');
        expect(a).toMatchObject({
          kind: 'vllm',
          model: 'served-model-a',
          consecutiveFailures: expect.any(Number),
          lastError: expect.stringMatching(/model-a down/),
        });
      } finally {
        replies();
      }
    });

    it('RouteQueryStream sends the decision, then the tokens, then the completion', async () => {
      const query = mathQuery();
      const messages = await serverStream<unknown, Any>(routing, 'RouteQueryStream', {
        request: { query, mode: MODE_EXECUTE },
      });
      expect(messages[0].decision).toMatchObject({ chosen: 'model-a' });
      const deltas = messages.filter((m) => m.delta !== '').map((m) => m.delta);
      expect(deltas.length).toBeGreaterThan(2);
      expect(deltas.join('')).toBe(`model-a says: ${query}`);
      const last = messages[messages.length - 1];
      expect(last.completion).toMatchObject({
        servedBy: 'model-a',
        text: `model-a says: ${query}`,
        outputTokens: 50,
      });
      expect(last.attempts).toEqual([expect.objectContaining({ candidate: 'model-a', ok: true })]);
    });

    it('a challenger in shadow mode is recorded in every decision, never served', async () => {
      const trained = await unary<unknown, Any>(routing, 'TrainRouter', { kind: 'linear', shadow: true });
      expect(trained).toMatchObject({
        challenger: true,
        promoted: false,
        router: { version: 2, kind: 'linear', status: 'challenger' },
      });
      const res = await decide(codeQuery(), {}, { requestId: 'req-shadow-1' });
      expect(res.decision).toMatchObject({
        routerId: 'knn',
        routerVersion: 1,
        shadow: { routerId: 'linear', routerVersion: 2, chosen: expect.any(String) },
      });
      await waitFor(
        () => routeEvents.some((e) => (e.data as RouteDecidedV1).requestId === 'req-shadow-1'),
        10_000,
        'shadow RouteDecided',
      );
      const event = routeEvents.find((e) => (e.data as RouteDecidedV1).requestId === 'req-shadow-1')!;
      expect((event.data as RouteDecidedV1).shadow).toEqual({
        routerId: 'linear',
        routerVersion: 2,
        chosen: res.decision.shadow.chosen,
      });
      const list = await unary<unknown, Any>(routing, 'ListRouters', {});
      expect(list).toMatchObject({
        champion: { version: 1 },
        challenger: { version: 2, status: 'challenger' },
      });
    });
  });

  describe('OpenAI-compatible facade', () => {
    const http = () => request(svc.app.getHttpServer());

    it('POST /v1/chat/completions with fusion/auto routes and answers like OpenAI, with the decision under fusion', async () => {
      const query = codeQuery();
      const res = await http()
        .post('/v1/chat/completions')
        .send({
          model: 'fusion/auto',
          messages: [
            { role: 'system', content: 'be brief' },
            { role: 'user', content: query },
          ],
          max_tokens: 32,
        });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        object: 'chat.completion',
        model: 'model-b',
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content: `model-b says: ${query}` },
            finish_reason: 'stop',
          },
        ],
        usage: { prompt_tokens: 100, completion_tokens: 50, total_tokens: 150 },
        fusion: {
          served_by: 'model-b',
          decision: { chosen: 'model-b', router_id: 'knn', router_version: 1, policy: 'balance' },
        },
      });
      expect(res.body.fusion.attempts).toEqual([expect.objectContaining({ candidate: 'model-b', ok: true })]);
    });

    it('takes the scenario from the model name and the policy from extensions (top level or under fusion)', async () => {
      const pf = await http()
        .post('/v1/chat/completions')
        .send({ model: 'fusion/performance_first', messages: [{ role: 'user', content: codeQuery() }] });
      expect(pf.body.model).toBe('model-b:think');
      const ext = await http()
        .post('/v1/chat/completions')
        .send({
          model: 'fusion/auto',
          messages: [{ role: 'user', content: codeQuery() }],
          fusion: { excluded_models: ['model-b'], allowed_models: ['model-b', 'model-c'] },
        });
      expect(ext.body.model).toBe('model-c');
      const top = await http()
        .post('/v1/chat/completions')
        .send({
          model: 'fusion/auto',
          messages: [{ role: 'user', content: mathQuery() }],
          max_cost_usd: 0.0005,
        });
      expect(top.body.model).toBe('model-c');
    });

    it('a concrete model name calls that backend without routing', async () => {
      const res = await http()
        .post('/v1/chat/completions')
        .send({ model: 'model-d', messages: [{ role: 'user', content: 'hello' }] });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        model: 'model-d',
        choices: [{ message: { content: 'model-d says: hello' } }],
        fusion: { decision: null },
      });
    });

    it('streams OpenAI SSE chunks ending with [DONE]', async () => {
      const query = mathQuery();
      const res = await http()
        .post('/v1/chat/completions')
        .send({
          model: 'fusion/auto',
          stream: true,
          stream_options: { include_usage: true },
          messages: [{ role: 'user', content: query }],
        })
        .buffer(true)
        .parse((r, cb) => {
          let text = '';
          r.on('data', (c: Buffer) => (text += c.toString()));
          r.on('end', () => cb(null, text));
        });
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/text\/event-stream/);
      const events = (res.body as string)
        .split('\n\n')
        .filter((e) => e.startsWith('data: '))
        .map((e) => e.slice(6));
      expect(events[events.length - 1]).toBe('[DONE]');
      const chunks = events.slice(0, -1).map((e) => JSON.parse(e) as Any);
      expect(chunks[0]).toMatchObject({
        object: 'chat.completion.chunk',
        choices: [{ delta: { role: 'assistant' } }],
        fusion: { decision: { chosen: 'model-a' } },
      });
      const text = chunks.map((c) => c.choices[0]?.delta?.content ?? '').join('');
      expect(text).toBe(`model-a says: ${query}`);
      expect(chunks.find((c) => c.choices[0]?.finish_reason === 'stop')).toMatchObject({
        fusion: { served_by: 'model-a' },
      });
      expect(chunks[chunks.length - 1]).toMatchObject({ choices: [], usage: { total_tokens: 150 } });
    });

    it('answers errors in OpenAI error JSON with proper status codes', async () => {
      const bad = await http()
        .post('/v1/chat/completions')
        .send({ model: 'fusion/auto', messages: [{ role: 'user', content: 'q' }], alpha: 0, beta: 0 });
      expect(bad.status).toBe(400);
      expect(bad.body.error).toMatchObject({
        type: 'invalid_request_error',
        param: 'alpha',
        message: expect.stringMatching(/alpha and beta cannot both be 0/),
      });
      const unknownModel = await http()
        .post('/v1/chat/completions')
        .send({ model: 'gpt-9', messages: [{ role: 'user', content: 'q' }] });
      expect(unknownModel.status).toBe(404);
      expect(unknownModel.body.error).toMatchObject({ code: 'model_not_found', param: 'model' });
      const noMessages = await http()
        .post('/v1/chat/completions')
        .send({ model: 'fusion/auto', messages: [] });
      expect(noMessages.status).toBe(400);
      expect(noMessages.body.error).toMatchObject({ param: 'messages' });
      const tooBig = await http()
        .post('/v1/chat/completions')
        .send({ model: 'fusion/auto', messages: [{ role: 'user', content: 'y'.repeat(5000) }] });
      expect(tooBig.body.error).toMatchObject({
        param: 'messages',
        message: expect.stringMatching(/over the limit of 4096/),
      });
      const unknownAllowed = await http()
        .post('/v1/chat/completions')
        .send({
          model: 'fusion/balance',
          messages: [{ role: 'user', content: 'q' }],
          allowed_models: ['nope'],
        });
      expect(unknownAllowed.body.error).toMatchObject({ param: 'allowed_models[0]' });
      const badScenario = await http()
        .post('/v1/chat/completions')
        .send({ model: 'fusion/fastest', messages: [{ role: 'user', content: 'q' }] });
      expect(badScenario.body.error).toMatchObject({ param: 'model' });
      for (const llm of FIXTURE_LLMS) fake.script(`served-${llm}`, { kind: 'always_fail', status: 503 });
      try {
        const down = await http()
          .post('/v1/chat/completions')
          .send({ model: 'fusion/auto', messages: [{ role: 'user', content: mathQuery() }] });
        expect(down.status).toBe(503);
        expect(down.body.error).toMatchObject({
          type: 'service_unavailable',
          message: expect.stringMatching(/all 5 attempts failed/),
        });
        expect(down.body.error.attempts).toHaveLength(5);
        const downStream = await http()
          .post('/v1/chat/completions')
          .send({ model: 'fusion/auto', stream: true, messages: [{ role: 'user', content: mathQuery() }] });
        expect(downStream.status).toBe(503);
      } finally {
        replies();
      }
    });

    it('GET /v1/models lists the fusion aliases and the backends', async () => {
      const res = await http().get('/v1/models');
      expect(res.status).toBe(200);
      expect(res.body.object).toBe('list');
      expect(res.body.data.map((m: Any) => m.id)).toEqual([
        'fusion/auto',
        'fusion/performance_first',
        'fusion/balance',
        'fusion/cost_first',
        ...FIXTURE_LLMS,
      ]);
    });

    it('works with the official openai client, plain and streaming', async () => {
      const client = new OpenAI({ baseURL: `${svc.httpUrl}/v1`, apiKey: 'x', maxRetries: 0 });
      const query = codeQuery();
      const completion = await client.chat.completions.create({
        model: 'fusion/auto',
        messages: [{ role: 'user', content: query }],
      });
      expect(completion.model).toBe('model-b');
      expect(completion.choices[0]?.message.content).toBe(`model-b says: ${query}`);
      expect(completion.usage?.total_tokens).toBe(150);
      expect((completion as unknown as { fusion: Any }).fusion.decision.chosen).toBe('model-b');

      const stream = await client.chat.completions.create({
        model: 'fusion/cost_first',
        messages: [{ role: 'user', content: query }],
        stream: true,
      });
      let text = '';
      let model = '';
      for await (const chunk of stream) {
        text += chunk.choices[0]?.delta?.content ?? '';
        model = chunk.model;
      }
      expect(text).toBe(`${model} says: ${query}`);
      const models = await client.models.list();
      expect(models.data.map((m) => m.id)).toContain('fusion/auto');
      await expect(
        client.chat.completions.create({
          model: 'fusion/auto',
          messages: [{ role: 'user', content: 'q' }],
          ...({ alpha: 0, beta: 0 } as object),
        }),
      ).rejects.toMatchObject({ status: 400 });
    });
  });
});
