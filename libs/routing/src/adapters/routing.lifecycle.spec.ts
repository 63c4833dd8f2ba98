import 'reflect-metadata';
import { status, type Client } from '@grpc/grpc-js';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Topics,
  type EventEnvelope,
  type RouterPromotedV1,
  type RouterPromotionRejectedV1,
} from '@fusion/contracts';
import { SeededRandom } from '@fusion/shared/kernel';
import { HashedNgramEmbedder } from '@fusion/shared/llm';
import { InProcessMessageBus, type Subscription } from '@fusion/shared/messaging';
import type { RunningService } from '@fusion/shared/runtime';
import { startTestService, waitFor } from '@fusion/shared/testing';
import { createGrpcClient, unary } from '@fusion/shared/transport';
// The spec hosts ingestion beside routing so new logs reach the projection through real LogRecorded events.

import { ingestionContext } from '@fusion/ingestion';
import { silentRoutingLogger } from '../application/ports/routing-metrics.port';
import type { RoutingSampleStore } from '../application/ports/routing-sample.store.port';
import type { RouterRegistryStore } from '../application/ports/router-registry.store.port';
import { ChampionCache } from '../application/serving/champion-cache';
import { consumeChampionChanges } from './kafka/champion-refresh.consumer';
import { routingContext } from './routing.module';
import { ROUTER_REGISTRY_STORE, ROUTING_SAMPLE_STORE } from './routing.tokens';
import { fixtureQuery, fixtureRecords } from './testing/routing-log.fixture';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Any = any;

describe('router lifecycle (retrain on new logs, gate both ways, replicas follow the champion)', () => {
  let svc: RunningService;
  let routing: Client;
  let replicaB: ChampionCache;
  let replicaSub: Subscription;
  const bus = new InProcessMessageBus();
  const registryEvents: EventEnvelope[] = [];
  const rng = new SeededRandom(7);

  const ingest = async (records: Record<string, unknown>[]): Promise<void> => {
    const res = await request(svc.app.getHttpServer()).post('/v1/logs').send(records);
    expect(res.body).toMatchObject({ accepted: records.length });
  };
  const scored = (): Promise<number> =>
    svc.app.get<RoutingSampleStore>(ROUTING_SAMPLE_STORE, { strict: false }).countScored('default');
  const decide = (query: string): Promise<Any> => unary(routing, 'RouteQuery', { query, mode: 1 });

  beforeAll(async () => {
    svc = await startTestService(
      [
        ingestionContext(),
        routingContext({ autoTrainEvery: 0, kinds: ['knn'], trainingThread: 'worker', championPollMs: 0 }),
      ],
      { bus, serviceName: 'fusion-routing' },
    );
    await bus.subscribe({
      groupId: 'spec-registry-events',
      topics: [Topics.RoutersRegistered, Topics.RoutersPromoted, Topics.RoutersPromotionRejected],
      handler: async (m) => void registryEvents.push(JSON.parse(m.value.toString()) as EventEnvelope),
    });
    routing = createGrpcClient(
      svc.grpcAddress,
      'fusion/routing/v1/routing.proto',
      'fusion.routing.v1.RoutingService',
    );
    // A second replica: its own champion cache over the same registry, refreshed by its own consumer group.
    replicaB = new ChampionCache({
      registry: svc.app.get<RouterRegistryStore>(ROUTER_REGISTRY_STORE, { strict: false }),
      embedder: new HashedNgramEmbedder(),
      logger: silentRoutingLogger,
    });
    replicaSub = await consumeChampionChanges(
      bus,
      replicaB,
      silentRoutingLogger,
      'fusion-routing-registry-spec-replica-b',
    );
  }, 60_000);

  afterAll(async () => {
    await replicaSub?.stop();
    routing?.close();
    await svc?.close();
    await bus.close();
  });

  it('trains v1 on a math-only log (in a worker thread) and promotes it; the other replica loads it', async () => {
    await ingest(fixtureRecords({ seed: 3, perTask: 25, tasks: ['math'], prefix: 'p1' }));
    await waitFor(async () => (await scored()) === 125, 30_000, 'phase 1 samples');
    const v1 = await unary<unknown, Any>(routing, 'TrainRouter', { promoteIfBetter: true }, 60_000);
    expect(v1).toMatchObject({
      promoted: true,
      router: { version: 1, status: 'champion' },
      gate: { passed: true },
    });
    await waitFor(() => replicaB.get('default')?.champion?.version === 1, 10_000, 'replica B loads v1');
    // The math-only router has never seen code: it sends code to the math model.
    expect((await decide(fixtureQuery('code', rng))).decision.chosen).toBe('model-a');
  });

  it('a retrain on new logs (code arrives) beats the champion on the same held-out split and is promoted', async () => {
    await ingest(fixtureRecords({ seed: 4, perTask: 25, tasks: ['code'], prefix: 'p2' }));
    await waitFor(async () => (await scored()) === 250, 30_000, 'phase 2 samples');
    const v2 = await unary<unknown, Any>(routing, 'TrainRouter', { promoteIfBetter: true }, 60_000);
    expect(v2).toMatchObject({ promoted: true, rejected: false, router: { version: 2, status: 'champion' } });
    expect(v2.gate).toMatchObject({
      passed: true,
      championRouterId: 'knn',
      championVersion: 1,
      reason: expect.stringMatching(/^challenger beats champion knn v1/),
    });
    expect(v2.gate.challengerReward).toBeGreaterThan(v2.gate.championReward);
    await waitFor(
      () =>
        registryEvents.some((e) => e.type === 'RouterPromoted' && (e.data as RouterPromotedV1).version === 2),
      10_000,
      'RouterPromoted v2',
    );
    const promoted = registryEvents.find(
      (e) => e.type === 'RouterPromoted' && (e.data as RouterPromotedV1).version === 2,
    )!;
    expect(promoted.streamId).toBe('router-default-registry');
    expect((promoted.data as RouterPromotedV1).gate).toMatchObject({ passed: true, championVersion: 1 });
    await waitFor(
      () => replicaB.get('default')?.champion?.version === 2,
      10_000,
      'replica B follows the promotion',
    );
    expect((await decide(fixtureQuery('code', rng))).decision).toMatchObject({
      chosen: 'model-b',
      routerVersion: 2,
    });
  });

  it('a challenger that cannot beat the champion is rejected, and RouterPromotionRejected carries the gate', async () => {
    const v3 = await unary<unknown, Any>(routing, 'TrainRouter', { promoteIfBetter: true }, 60_000);
    expect(v3).toMatchObject({ promoted: false, rejected: true, router: { version: 3, status: 'rejected' } });
    expect(v3.gate).toMatchObject({
      passed: false,
      championVersion: 2,
      reason: expect.stringMatching(/does not beat champion knn v2/),
    });
    await waitFor(
      () => registryEvents.some((e) => e.type === 'RouterPromotionRejected'),
      10_000,
      'RouterPromotionRejected',
    );
    const rejected = registryEvents.find((e) => e.type === 'RouterPromotionRejected')!
      .data as RouterPromotionRejectedV1;
    expect(rejected).toMatchObject({
      version: 3,
      gate: { passed: false, scenario: 'balance', championVersion: 2, championRouterId: 'knn' },
    });
    expect(rejected.gate.challengerReward).toBeLessThanOrEqual(rejected.gate.championReward!);
    const list = await unary<unknown, Any>(routing, 'ListRouters', {});
    expect(list.champion).toMatchObject({ version: 2 });
    expect(list.routers.map((r: Any) => `${r.version}:${r.status}`)).toEqual([
      '1:retired',
      '2:champion',
      '3:rejected',
    ]);
    expect(replicaB.get('default')?.champion?.version).toBe(2);
  });

  it('PromoteRouter is gated unless forced, and refuses unknown versions and mismatched router ids', async () => {
    const gated = await unary<unknown, Any>(routing, 'PromoteRouter', { version: 3 }, 60_000);
    expect(gated).toMatchObject({
      promoted: false,
      gate: { passed: false },
      gateReason: expect.stringMatching(/does not beat/),
    });
    const forced = await unary<unknown, Any>(routing, 'PromoteRouter', { version: 3, force: true });
    expect(forced).toMatchObject({
      promoted: true,
      champion: { version: 3 },
      gateReason: expect.stringMatching(/^forced by an operator/),
    });
    await waitFor(
      () => registryEvents.some((e) => e.type === 'RouterPromoted' && (e.data as RouterPromotedV1).forced),
      10_000,
      'forced RouterPromoted',
    );
    await waitFor(
      () => replicaB.get('default')?.champion?.version === 3,
      10_000,
      'replica B follows the forced promotion',
    );
    await expect(unary(routing, 'PromoteRouter', { version: 9 })).rejects.toMatchObject({
      code: status.NOT_FOUND,
    });
    await expect(unary(routing, 'PromoteRouter', { version: 2, routerId: 'mlp' })).rejects.toMatchObject({
      code: status.INVALID_ARGUMENT,
      details: expect.stringMatching(/router_id: version 2 belongs to router 'knn'/),
    });
    await expect(unary(routing, 'PromoteRouter', { version: 3 })).rejects.toMatchObject({
      code: status.FAILED_PRECONDITION,
    });
    await expect(unary(routing, 'PromoteRouter', {})).rejects.toMatchObject({
      code: status.INVALID_ARGUMENT,
    });
  });
});
