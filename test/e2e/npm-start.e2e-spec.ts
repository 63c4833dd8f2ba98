import 'reflect-metadata';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Client } from '@grpc/grpc-js';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGrpcClient, freePort, grpcHealthCheck, unary } from '@fusion/shared/transport';

const REPO_ROOT = resolve(__dirname, '../..');
const SERVING = /FusionFactory serving: gRPC (\S+), HTTP (\S+) \(ready in ([\d.]+) s/;

describe('npm start: the main job on the embedded default (no Kafka, no Postgres, no GPU)', () => {
  let child: ChildProcess;
  let out = '';
  let grpcAddress = '';
  let httpUrl = '';
  let readySeconds = 0;
  let exitCode: number | null | undefined;
  let exitSignal: NodeJS.Signals | null = null;
  let routing: Client;
  const dataDir = mkdtempSync(join(tmpdir(), 'fusion-start-'));

  beforeAll(async () => {
    const grpcPort = await freePort();
    const httpPort = await freePort();
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      FUSION_DATA_DIR: dataDir,
      GRPC_PORT: String(grpcPort),
      HTTP_PORT: String(httpPort),
    };
    // The embedded default must not need the test infrastructure.
    delete env['DATABASE_URL'];
    delete env['KAFKA_BROKERS'];
    delete env['FUSION_MODE'];
    // Its own process group, so Ctrl-C can be sent the way a terminal sends it (to the whole group).
    child = spawn('npm', ['start'], {
      cwd: REPO_ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
    child.once('exit', (code, signal) => {
      exitCode = code;
      exitSignal = signal;
    });
    const started = Date.now();
    while (!SERVING.test(out)) {
      if (exitCode !== undefined) throw new Error(`npm start exited (${exitCode}) before serving:\n${out}`);
      if (Date.now() - started > 180_000)
        throw new Error(`npm start did not reach "serving" within 3 minutes:\n${out}`);
      await new Promise((r) => setTimeout(r, 250));
    }
    const m = SERVING.exec(out) as RegExpExecArray;
    grpcAddress = m[1] as string;
    httpUrl = m[2] as string;
    readySeconds = Number(m[3]);
    routing = createGrpcClient(
      grpcAddress,
      'fusion/routing/v1/routing.proto',
      'fusion.routing.v1.RoutingService',
    );
  });

  afterAll(() => {
    routing?.close();
    if (exitCode === undefined && child?.pid) process.kill(-child.pid, 'SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('reaches "serving" within 3 minutes, after printing best single vs champion per scenario (synthetic demo logs)', () => {
    expect(readySeconds).toBeLessThan(180);
    expect(out).toContain('SYNTHETIC demo logs');
    for (const scenario of ['performance_first', 'balance', 'cost_first'])
      expect(out).toMatch(new RegExp(`^${scenario}\\s`, 'm'));
    expect(out).toMatch(/best single model .* champion router/);
    expect(out).toMatch(/Champion router: \w+ v\d+ \(trained and promoted now\)/);
    expect(out).toContain('grpcurl -plaintext');
    expect(out).toContain('/v1/chat/completions');
    expect(out).toContain('npx fusion route');
  });

  it('answers the gRPC health check for the server and all five services', async () => {
    expect(await grpcHealthCheck(grpcAddress)).toBe('SERVING');
    for (const s of [
      'fusion.ingestion.v1.IngestionService',
      'fusion.evaluation.v1.EvaluationService',
      'fusion.routing.v1.RoutingService',
      'fusion.thought.v1.ThoughtService',
      'fusion.distillation.v1.DistillationService',
    ]) {
      expect(await grpcHealthCheck(grpcAddress, s)).toBe('SERVING');
    }
  });

  it('routes a query over gRPC RouteQuery (decide) with the promoted champion', async () => {
    const res = await unary<
      unknown,
      {
        decision: {
          chosen: string;
          ranked: unknown[];
          routerId: string;
          routerVersion: number;
          fallbackToBestSingle: boolean;
          reason: string;
        };
      }
    >(routing, 'RouteQuery', {
      query: 'A demo shop has 8 crates with 11 items each and sells 15 items. How many items are left?',
      policy: { scenario: 'balance' },
      mode: 1,
    });
    expect(res.decision.chosen).not.toBe('');
    expect(res.decision.ranked.length).toBeGreaterThan(1);
    expect(res.decision.routerVersion).toBeGreaterThanOrEqual(1);
    expect(res.decision.fallbackToBestSingle).toBe(false);
    expect(res.decision.reason).toContain(res.decision.chosen);
  });

  it('answers the OpenAI-compatible endpoint over HTTP with the query the banner suggests', async () => {
    const query = /"content": "(.*?)"\}\]\}'/.exec(out)?.[1];
    expect(query).toBeTruthy();
    const client = new OpenAI({ baseURL: `${httpUrl}/v1`, apiKey: 'unused' });
    const completion = await client.chat.completions.create({
      model: 'fusion/auto',
      messages: [{ role: 'user', content: query as string }],
    });
    expect(completion.choices[0]?.message.content).toMatch(/answer/i);
    expect(completion.model).not.toBe('fusion/auto');
    const models = await client.models.list();
    expect(models.data.map((m) => m.id)).toContain('fusion/auto');
  });

  it('shuts down cleanly on SIGINT', async () => {
    process.kill(-(child.pid as number), 'SIGINT'); // what Ctrl-C in a terminal does
    const deadline = Date.now() + 30_000;
    while (exitCode === undefined && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    // The app closed every service and exited 0; npm itself reports the Ctrl-C it received (signal or code 130).
    expect(out).toContain('SIGINT: shutting down');
    expect(out).toContain('FusionFactory stopped cleanly');
    expect(exitCode === 0 || exitCode === 130 || exitSignal === 'SIGINT').toBe(true);
  });
});
