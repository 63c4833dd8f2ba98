import 'reflect-metadata';
import { status, type Client } from '@grpc/grpc-js';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ResponseJudged,
  ResponseScored,
  streamIdForQuery,
  type ResponseJudgedV1,
  type ResponseScoredV1,
} from '@fusion/contracts';
import type { EventStore } from '@fusion/shared/event-store';
import { InProcessMessageBus } from '@fusion/shared/messaging';
import { EVENT_STORE, type RunningService } from '@fusion/shared/runtime';
import { startTestService, waitFor } from '@fusion/shared/testing';
import { createGrpcClient, unary } from '@fusion/shared/transport';
// The spec hosts ingestion beside routing so records reach the projection through real LogRecorded events.

import { ingestionContext } from '@fusion/ingestion';
import type { RoutingSampleStore } from '../application/ports/routing-sample.store.port';
import type { AutoTrainScheduler } from '../application/training/auto-train.scheduler';
import { routingContext } from './routing.module';
import { AUTO_TRAIN_SCHEDULER, ROUTING_SAMPLE_STORE } from './routing.tokens';
import { FIXTURE_LLMS, fixtureQuery, fixtureRecords } from './testing/routing-log.fixture';
import { SeededRandom } from '@fusion/shared/kernel';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Any = any;

describe('routing without a backends file (replay), the sample projection and auto-training', () => {
  let svc: RunningService;
  let routing: Client;
  let samples: RoutingSampleStore;
  let store: EventStore;
  const bus = new InProcessMessageBus();
  const rng = new SeededRandom(5);
  const scoredSeed = fixtureRecords({ seed: 11, perTask: 2, prefix: 's' });
  const unscored = fixtureRecords({ seed: 12, perTask: 8, prefix: 'u', unscored: true, split: 'none' });

  const ingest = async (records: Record<string, unknown>[]): Promise<void> => {
    const res = await request(svc.app.getHttpServer()).post('/v1/logs').send(records);
    expect(res.body).toMatchObject({ accepted: records.length, rejected: 0 });
  };
  const scoreEvent = (r: Record<string, unknown>, performance: number) => ({
    streamId: streamIdForQuery('default', String(r['query_id'])),
    expectedVersion: 'any' as const,
    events: [
      {
        type: ResponseScored.type,
        tenant: 'default',
        data: {
          recordId: String(r['record_id']),
          queryId: String(r['query_id']),
          taskName: String(r['task_name']),
          llm: String(r['llm']),
          promptMode: r['prompt_mode'] as 'direct' | 'think',
          metric: 'em',
          performance,
          source: 'computed',
          reason: null,
          metricVariant: null,
        } satisfies ResponseScoredV1,
      },
    ],
  });

  beforeAll(async () => {
    svc = await startTestService(
      [
        ingestionContext(),
        routingContext({
          autoTrainEvery: 100,
          autoTrainDebounceMs: 200,
          kinds: ['linear'],
          trainingThread: 'inline',
          championPollMs: 0,
        }),
      ],
      { bus, serviceName: 'fusion-routing' },
    );
    routing = createGrpcClient(
      svc.grpcAddress,
      'fusion/routing/v1/routing.proto',
      'fusion.routing.v1.RoutingService',
    );
    samples = svc.app.get<RoutingSampleStore>(ROUTING_SAMPLE_STORE, { strict: false });
    store = svc.app.get<EventStore>(EVENT_STORE, { strict: false });
  }, 60_000);

  afterAll(async () => {
    routing?.close();
    await svc?.close();
    await bus.close();
  });

  it('lists replay backends built from the logged answers, per tenant', async () => {
    await ingest(scoredSeed);
    await waitFor(
      async () => (await samples.countScored('default')) === scoredSeed.length,
      30_000,
      'seed samples',
    );
    const res = await unary<unknown, Any>(routing, 'ListBackends', {});
    expect(res.backends.map((b: Any) => b.name)).toEqual(FIXTURE_LLMS);
    expect(res.backends[0]).toMatchObject({
      kind: 'replay',
      endpoint: 'replay://logged-responses',
      healthy: true,
    });
    const other = await unary<unknown, Any>(routing, 'ListBackends', { tenant: 'nobody' });
    expect(other.backends).toEqual([]);
  });

  it('without a router, falls back to the best single model from the samples and executes it by replay', async () => {
    const logged = scoredSeed.find((r) => r['llm'] === 'model-a' && r['task_name'] === 'math')!;
    const res = await unary<unknown, Any>(routing, 'RouteQuery', { query: logged['query'], mode: 2 });
    expect(res.decision).toMatchObject({
      fallbackToBestSingle: true,
      routerId: 'best_single',
      reason: expect.stringMatching(/no trained router yet/),
    });
    const served = scoredSeed.find(
      (r) =>
        r['query'] === logged['query'] &&
        `${r['llm']}${r['prompt_mode'] === 'think' ? ':think' : ''}` === res.completion.servedBy,
    )!;
    expect(res.completion).toMatchObject({ text: served['response'], inputTokens: 12, outputTokens: 20 });
    // Thought augmentation needs the thought service, which this deployment does not have.
    await expect(
      unary(routing, 'RouteQuery', {
        query: logged['query'],
        mode: 2,
        policy: { thoughtAugmentation: true },
      }),
    ).rejects.toMatchObject({
      code: status.FAILED_PRECONDITION,
      details: expect.stringMatching(/thought augmentation is not available/),
    });
    // A query that was never logged cannot be replayed: every candidate fails, each attempt named.
    await expect(
      unary(routing, 'RouteQuery', { query: fixtureQuery('math', rng), mode: 2 }),
    ).rejects.toMatchObject({
      code: status.UNAVAILABLE,
      details: expect.stringMatching(/attempts failed: .*replay: no logged response/),
    });
  });

  it('unscored records count only once ResponseScored fills their performance; then auto-training trains and promotes', async () => {
    const scheduler = svc.app.get<AutoTrainScheduler>(AUTO_TRAIN_SCHEDULER, { strict: false });
    await ingest(unscored);
    const ids = new Set(unscored.map((r) => `${r['query_id']}/${r['llm']}/${r['prompt_mode']}`));
    await waitFor(
      async () =>
        (await samples.replayable('default')).filter((r) => ids.has(`${r.queryId}/${r.llm}/${r.promptMode}`))
          .length === ids.size,
      20_000,
      'unscored samples',
    );
    expect(await samples.countScored('default')).toBe(scoredSeed.length);
    expect(scheduler.started).toBe(0);
    expect(await samples.newScored('default')).toBe(scoredSeed.length);

    // Scores arrive as events (what the evaluation service emits), for every unscored record.
    await store.appendMany(
      unscored.map((r) =>
        scoreEvent(r, r['llm'] === (r['task_name'] === 'math' ? 'model-a' : 'model-b') ? 1 : 0),
      ),
    );
    await waitFor(
      async () => (await samples.countScored('default')) === scoredSeed.length + unscored.length,
      30_000,
      'scored samples',
    );
    await waitFor(
      async () => Boolean((await unary<unknown, Any>(routing, 'ListRouters', {})).champion),
      30_000,
      'auto-trained champion',
    );
    await scheduler.idle();
    expect(scheduler.started).toBe(1);
    const list = await unary<unknown, Any>(routing, 'ListRouters', {});
    expect(list.champion).toMatchObject({
      version: 1,
      kind: 'linear',
      status: 'champion',
      trainedOnRecords: expect.any(Number),
    });
    expect(await samples.newScored('default')).toBe(0);
    const decided = await unary<unknown, Any>(routing, 'RouteQuery', {
      query: fixtureQuery('code', rng),
      mode: 1,
    });
    expect(decided.decision).toMatchObject({
      routerId: 'linear',
      routerVersion: 1,
      fallbackToBestSingle: false,
    });
  });

  it('fills judge scores from ResponseJudged, and a score that arrives before its record is kept', async () => {
    const target = unscored[0]!;
    await store.append({
      streamId: streamIdForQuery('default', String(target['query_id'])),
      expectedVersion: 'any',
      events: [
        {
          type: ResponseJudged.type,
          tenant: 'default',
          data: {
            recordId: String(target['record_id']),
            queryId: String(target['query_id']),
            status: 'judged',
            score: 0.75,
            judgeModel: 'judge',
            promptVersion: 'v1',
            rawOutput: null,
            error: null,
          } satisfies ResponseJudgedV1,
        },
      ],
    });
    await waitFor(
      async () =>
        (await samples.loadScored('default')).samples.find((s) => s.recordId === target['record_id'])
          ?.judgeScore === 0.75,
      10_000,
      'judge score',
    );

    const late = fixtureRecords({
      seed: 13,
      perTask: 1,
      tasks: ['code'],
      prefix: 'late',
      unscored: true,
    })[0]!;
    await store.appendMany([scoreEvent(late, 1)]);
    await ingest([late]);
    await waitFor(
      async () =>
        (await samples.loadScored('default')).samples.some(
          (s) => s.recordId === late['record_id'] && s.performance === 1,
        ),
      10_000,
      'score kept when the record arrives after it',
    );
  });
});
