/**
 * bench/route: decide-only RouteQuery latency (p50/p99) and throughput over loopback gRPC, side by side with a bare
 * grpc-js echo server (the floor) in the same run.
 * - The routing service runs as its own process in distributed mode (PostgreSQL + Kafka from scripts/infra), with
 *   the champion trained from 256,000 logged records: 6,400 synthetic queries x 40 candidates (the paper's 20 LLMs
 *   x 2 prompt modes), ingested through the ingestion service like any log.
 * - The echo server is another process; the load generator is this process (open loop at a fixed rate, so queueing
 *   shows in the percentiles; then closed loop for the maximum rate).
 * Target: p99 < 5 ms at a sustained 500 requests/s on this 2-core machine.
 * Usage: npm run bench:route [-- --queries 6400 --rps 500 --seconds 20]
 */
import 'reflect-metadata';
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { DataSource } from 'typeorm';
import { generateDemoLogs } from '@fusion/ingestion';
import { createTestDatabase } from '@fusion/shared/testing';
import { clientStream, createGrpcClient, unary } from '@fusion/shared/transport';
import { paperModels } from '../../test/fixtures/fusionbench/fusionbench-fixture';
import { kafkaNamespace, startServiceProcess, type ServiceProcess } from '../../test/support/service-process';
import { ensureInfra, machine, progress, writeResults } from '../support';
import type { ClosedResult, LoadResult } from './load';
import type { ServerWindow } from './load-worker';
import { PROTO_ROOT } from '@fusion/shared/transport';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const QUERIES = arg('queries', 6400);
const RPS = arg('rps', 500);
const SECONDS = arg('seconds', 20);
const TENANT = `bench-route-${Date.now().toString(36)}`;

/** Runs the load generator as its own lean process (see load-worker.ts). */
interface WorkerResult {
  open_loop: LoadResult;
  closed_loop: ClosedResult;
  server: ServerWindow | null;
}

function runLoadWorker(job: Record<string, unknown>): Promise<WorkerResult> {
  return new Promise((res, rej) => {
    const child = spawn(
      process.execPath,
      ['-r', '@swc-node/register', resolve(__dirname, 'load-worker.ts')],
      {
        cwd: resolve(__dirname, '../..'),
        stdio: ['pipe', 'pipe', 'inherit'],
      },
    );
    let out = '';
    child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    child.once('exit', (code) => {
      if (code !== 0) rej(new Error(`load worker exited with ${code}`));
      else res(JSON.parse(out.trim().split('\n').pop() ?? '{}'));
    });
    child.stdin?.end(JSON.stringify(job));
  });
}

async function startEcho(): Promise<{ address: string; stop: () => void }> {
  const child = spawn(process.execPath, ['-r', '@swc-node/register', resolve(__dirname, 'echo-server.ts')], {
    cwd: resolve(__dirname, '../..'),
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((res, rej) => {
    let buf = '';
    child.stdout?.on('data', (d: Buffer) => {
      buf += d.toString();
      const m = /ECHO_PORT=(\d+)/.exec(buf);
      if (m) res(Number(m[1]));
    });
    child.once('exit', (code) => rej(new Error(`echo server exited (${code})`)));
  });
  return { address: `127.0.0.1:${port}`, stop: () => child.kill('SIGTERM') };
}

async function loadLogs(
  ingestionAddress: string,
  databaseUrl: string,
): Promise<{ recordCount: number; candidateCount: number; texts: string[]; loadSeconds: number }> {
  const demo = generateDemoLogs({ seed: 11, queries: QUERIES, models: paperModels(), tenant: TENANT });
  const records = demo.records;
  console.error(`logs: ${records.length} records (${demo.candidates.length} candidates), ingesting...`);
  const ingest = createGrpcClient(
    ingestionAddress,
    'fusion/ingestion/v1/ingestion.proto',
    'fusion.ingestion.v1.IngestionService',
  );
  const t0 = Date.now();
  const batches = function* (): Generator<{ records: unknown[] }> {
    for (let i = 0; i < records.length; i += 1000) {
      progress('  ingest', Math.min(i + 1000, records.length), records.length);
      yield { records: records.slice(i, i + 1000) };
    }
  };
  const res = await clientStream<unknown, { accepted: number }>(ingest, 'IngestLogs', batches(), 1_800_000);
  ingest.close();
  if (res.accepted !== records.length) throw new Error(`accepted ${res.accepted} of ${records.length}`);
  const ds = new DataSource({ type: 'postgres', url: databaseUrl });
  await ds.initialize();
  for (;;) {
    const [row] = (await ds.query(`SELECT count(*)::int AS n FROM routing_samples WHERE tenant = $1`, [
      TENANT,
    ])) as {
      n: number;
    }[];
    progress('  routing samples', row?.n ?? 0, records.length);
    if ((row?.n ?? 0) >= records.length) break;
    await new Promise((r) => setTimeout(r, 1000));
  }
  await ds.destroy();
  const texts = [
    ...new Set(records.filter((r) => r.split === 'test' && r.promptMode === 'direct').map((r) => r.query)),
  ];
  return {
    recordCount: records.length,
    candidateCount: demo.candidates.length,
    texts,
    loadSeconds: (Date.now() - t0) / 1000,
  };
}

async function main(): Promise<void> {
  console.error(
    `bench/route: ${QUERIES} queries x 40 candidates, ${RPS} req/s for ${SECONDS} s, decide-only`,
  );
  const infra = ensureInfra();
  const db = await createTestDatabase('bench_route');
  const procs: ServiceProcess[] = [];
  let echo: { address: string; stop: () => void } | null = null;
  try {
    const env = {
      FUSION_MODE: 'distributed',
      DATABASE_URL: db.url,
      KAFKA_BROKERS: infra.kafkaBrokers,
      KAFKA_NAMESPACE: kafkaNamespace('bench-route'),
      LOG_LEVEL: process.env['BENCH_LOG_LEVEL'] ?? 'warn',
      ROUTER_AUTO_TRAIN_EVERY: '0',
    };
    const [ingestion, routing] = await Promise.all([
      startServiceProcess('ingestion', env),
      // BENCH_PROFILE=1 writes a V8 CPU profile of the routing process to tmp/prof (for finding hot spots).
      startServiceProcess('routing', {
        ...env,
        ...(process.env['BENCH_PROFILE'] ? { FUSION_NODE_ARGS: '--cpu-prof --cpu-prof-dir=tmp/prof' } : {}),
        ...(process.env['BENCH_NODE_ARGS'] ? { FUSION_NODE_ARGS: process.env['BENCH_NODE_ARGS'] } : {}),
      }),
    ]);
    procs.push(ingestion, routing);

    // 1. The logs: 6,400 queries x 20 LLMs x 2 modes, through the ingestion service. Only the held-out query texts
    // are kept afterwards: the load generator must not carry a 256k-record heap (its GC pauses would show as latency).
    const { recordCount, candidateCount, texts, loadSeconds } = await loadLogs(ingestion.grpcAddress, db.url);
    (globalThis as { gc?: () => void }).gc?.();

    // 2. The champion: every router kind, the best one on held-out reward promoted.
    const routingClient = createGrpcClient(
      routing.grpcAddress,
      'fusion/routing/v1/routing.proto',
      'fusion.routing.v1.RoutingService',
    );
    const t1 = Date.now();
    const trained = await unary<
      unknown,
      {
        router: { kind: string; version: number; trainedOnRecords: number };
        promoted: boolean;
        gateReason: string;
      }
    >(routingClient, 'TrainRouter', { tenant: TENANT, promoteIfBetter: true }, 1_800_000);
    const trainSeconds = (Date.now() - t1) / 1000;
    console.error(
      `champion: ${trained.router.kind} v${trained.router.version} on ${trained.router.trainedOnRecords} records (${trainSeconds.toFixed(1)} s): ${trained.gateReason}`,
    );
    if (!trained.promoted) throw new Error('the trained router was not promoted');

    // 3. The floor and the routing service, same load generator, same run.
    echo = await startEcho();

    const results: Record<string, WorkerResult> = {};
    const targets = [
      {
        name: 'grpc_echo_floor',
        address: echo.address,
        protoFile: resolve(__dirname, 'echo.proto'),
        service: 'bench.echo.v1.EchoService',
        method: 'Echo',
        template: { text: '$text' },
      },
      {
        name: 'route_query_decide',
        address: routing.grpcAddress,
        protoFile: resolve(PROTO_ROOT, 'fusion/routing/v1/routing.proto'),
        service: 'fusion.routing.v1.RoutingService',
        method: 'RouteQuery',
        template: { tenant: TENANT, query: '$text', policy: { scenario: 'balance' }, mode: 1 },
        metricsUrl: `${routing.httpUrl}/metrics`,
      },
    ];
    for (const t of targets) {
      console.error(
        `${t.name}: warm-up 3 s, open loop ${RPS} req/s for ${SECONDS} s, closed loop 16 in flight for 10 s`,
      );
      const r = await runLoadWorker({
        ...t,
        includeDir: PROTO_ROOT,
        texts,
        rps: RPS,
        seconds: SECONDS,
        warmupSeconds: 3,
        closedConcurrency: 16,
        closedSeconds: 10,
      });
      console.error(
        `  p50 ${r.open_loop.p50_ms} ms, p99 ${r.open_loop.p99_ms} ms, ${r.open_loop.achieved_rps} req/s, ${r.open_loop.errors} errors; max ${r.closed_loop.rps} req/s`,
      );
      results[t.name] = r;
    }
    routingClient.close();

    const floor = results['grpc_echo_floor']!;
    const route = results['route_query_decide']!;
    const out = {
      benchmark: 'route',
      measured_at: new Date().toISOString(),
      machine: machine(),
      settings: {
        queries: QUERIES,
        candidates: candidateCount,
        records: recordCount,
        rps: RPS,
        seconds: SECONDS,
      },
      champion: {
        kind: trained.router.kind,
        version: trained.router.version,
        trained_on_records: trained.router.trainedOnRecords,
      },
      setup_seconds: {
        ingest_and_project: Number(loadSeconds.toFixed(1)),
        train_all_kinds: Number(trainSeconds.toFixed(1)),
      },
      results,
      target: {
        p99_ms: 5,
        rps: RPS,
        met:
          route.open_loop.p99_ms < 5 &&
          route.open_loop.errors === 0 &&
          route.open_loop.achieved_rps >= RPS * 0.98,
      },
      ratios: {
        p50_route_over_floor: Number((route.open_loop.p50_ms / floor.open_loop.p50_ms).toFixed(2)),
        p99_route_over_floor: Number((route.open_loop.p99_ms / floor.open_loop.p99_ms).toFixed(2)),
        max_rps_route_over_floor: Number((route.closed_loop.rps / floor.closed_loop.rps).toFixed(2)),
      },
    };
    const row = (n: string, r: (typeof results)[string]): string =>
      `| ${n} | ${r.open_loop.achieved_rps} | ${r.open_loop.p50_ms} | ${r.open_loop.p99_ms} | ${r.open_loop.max_ms} | ${r.open_loop.errors} | ${r.open_loop.send_lag_p99_ms} | ${r.closed_loop.rps} |`;
    const md = [
      `# bench/route (${out.measured_at})`,
      '',
      `Decide-only RouteQuery over loopback gRPC; routing service in its own process (distributed mode, PostgreSQL + Kafka);`,
      `champion ${out.champion.kind} v${out.champion.version} trained on ${out.champion.trained_on_records} logged records`,
      `(${QUERIES} synthetic queries x ${candidateCount} candidates). Open loop at ${RPS} req/s for ${SECONDS} s; closed loop 16 in flight for 10 s.`,
      `${out.machine['cpus']} CPUs, Node ${process.version}.`,
      '',
      '| target | achieved req/s | p50 ms | p99 ms | max ms | errors | load generator send lag p99 ms | max req/s (closed loop) |',
      '|---|---|---|---|---|---|---|---|',
      row('bare grpc-js echo (floor)', floor),
      row('RouteQuery decide', route),
      '',
      ...(route.server
        ? [
            `The routing process during the open loop (its own /metrics): event-loop delay max ${route.server.event_loop_lag_max_ms} ms,`,
            `p99 ${route.server.event_loop_lag_p99_ms} ms; GC ${route.server.gc_ms} ms in ${SECONDS} s; CPU ${route.server.cpu_ms_per_request} ms per request.`,
            `Slowest request due ${route.open_loop.max_at_s} s into the open loop (${route.open_loop.max_ms} ms).`,
            '',
          ]
        : []),
      `Route / floor: p50 ${out.ratios.p50_route_over_floor}x, p99 ${out.ratios.p99_route_over_floor}x, max throughput ${out.ratios.max_rps_route_over_floor}x.`,
      `Target p99 < 5 ms at ${RPS} req/s: ${out.target.met ? 'met' : 'NOT met'}.`,
      '',
    ].join('\n');
    const paths = writeResults('route', out, md);
    console.log(md);
    console.error(`written: ${paths.json}, ${paths.md}`);
  } finally {
    echo?.stop();
    await Promise.all(procs.map((p) => p.stop()));
    await db.drop();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(`bench/route failed: ${(err as Error).message}`);
    process.exit(1);
  },
);
