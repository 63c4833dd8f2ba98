import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, getInfra, type TestDatabase } from '@fusion/shared/testing';
import { grpcHealthCheck } from '@fusion/shared/transport';
import { kafkaNamespace, startServiceProcess, type ServiceProcess } from '../support/service-process';

const SERVICES: Record<string, string> = {
  ingestion: 'fusion.ingestion.v1.IngestionService',
  evaluation: 'fusion.evaluation.v1.EvaluationService',
  routing: 'fusion.routing.v1.RoutingService',
  thought: 'fusion.thought.v1.ThoughtService',
  distillation: 'fusion.distillation.v1.DistillationService',
};

describe('distributed deployment: five services, each its own process, on real Kafka and PostgreSQL', () => {
  let db: TestDatabase;
  const procs: ServiceProcess[] = [];

  beforeAll(async () => {
    const infra = getInfra();
    db = await createTestDatabase('e2e_health');
    const env = {
      FUSION_MODE: 'distributed',
      DATABASE_URL: db.url,
      KAFKA_BROKERS: infra.kafkaBrokers,
      KAFKA_NAMESPACE: kafkaNamespace('health'),
    };
    // Started together, as a rollout would: migrations are serialised by an advisory lock.
    procs.push(...(await Promise.all(Object.keys(SERVICES).map((name) => startServiceProcess(name, env)))));
  });

  afterAll(async () => {
    const codes = await Promise.all(procs.map((p) => p.stop()));
    expect(codes.every((c) => c === 0)).toBe(true);
    await db?.drop();
  });

  it('each answers grpc.health.v1.Health/Check for the server and its own service', async () => {
    for (const p of procs) {
      expect(await grpcHealthCheck(p.grpcAddress)).toBe('SERVING');
      expect(await grpcHealthCheck(p.grpcAddress, SERVICES[p.name])).toBe('SERVING');
    }
  });

  it('each answers HTTP /healthz and /readyz, and exports Prometheus metrics', async () => {
    for (const p of procs) {
      const health = await fetch(`${p.httpUrl}/healthz`);
      expect(health.status).toBe(200);
      expect(await health.json()).toEqual({ status: 'ok' });
      const ready = await fetch(`${p.httpUrl}/readyz`);
      expect(ready.status).toBe(200);
      const metrics = await (await fetch(`${p.httpUrl}/metrics`)).text();
      expect(metrics).toContain(`service="fusion-${p.name}"`);
    }
  });
});
