import 'reflect-metadata';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbedded, type EmbeddedHandle } from '@fusion/composition';
import { generateDemoLogs } from '@fusion/ingestion';
import { createGrpcClient, freePort, unary } from '@fusion/shared/transport';
import { expectOneLineError, FUSION_BIN, REPO_ROOT, runFusion, type FusionRun } from './run-fusion';

// The CLI against ONE real embedded deployment (every service, PGlite in memory, demo logs, pipeline run): what
// the fake-server spec cannot show, i.e. that requests and printed answers match what the services really do.

/** The seed the embedded deployment seeds its demo logs with (libs/composition/src/embedded/embedded.ts). */
const DEMO_SEED = 7;
const TENANT = 'default';

let handle: EmbeddedHandle;
let ingestion: Client;
let tmp: string;
let datasetDir: string;
/** A logged demo query (held out, direct prompt), whitespace collapsed as the replay backend matches it. */
let demoQuery: string;
/** What the demo logs say the models answered to it: the replay backend serves one of these. */
let demoResponses: string[];

const fusion = (...args: string[]): Promise<FusionRun> =>
  runFusion(['--address', handle.grpcAddress, ...args], { timeoutMs: 90_000 });

function ok(run: FusionRun): string {
  if (run.code !== 0) throw new Error(`exit ${run.code}\nstdout:\n${run.stdout}\nstderr:\n${run.stderr}`);
  return run.stdout;
}

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'fusion-cli-e2e-'));
  datasetDir = join(tmp, 'datasets');
  const demo = generateDemoLogs({ seed: DEMO_SEED, tenant: TENANT });
  const sample = demo.records.find((r) => r.split === 'test' && r.promptMode === 'direct');
  if (!sample) throw new Error('the demo logs have no held-out direct record');
  const collapse = (q: string) => q.replace(/\s+/g, ' ').trim();
  demoQuery = collapse(sample.query);
  // Every candidate's logged response to that query (think-mode records word the prompt differently).
  demoResponses = demo.records.filter((r) => r.queryId === sample.queryId).map((r) => r.response);
  handle = await startEmbedded({
    seed: { kind: 'demo' },
    runPipeline: true,
    grpcPort: await freePort(),
    httpPort: await freePort(),
    logLevel: 'silent',
    // Datasets and job manifests go to the temp dir; no background retraining races the commands under test.
    env: { ...process.env, DISTILLATION_DATASET_DIR: datasetDir, ROUTER_AUTO_TRAIN_EVERY: '0' },
  });
  ingestion = createGrpcClient(
    handle.grpcAddress,
    'fusion/ingestion/v1/ingestion.proto',
    'fusion.ingestion.v1.IngestionService',
  );
}, 180_000);

afterAll(async () => {
  ingestion?.close();
  await handle?.close();
  if (tmp) await rm(tmp, { recursive: true, force: true });
}, 60_000);

describe('fusion remote commands against the real embedded deployment', () => {
  it('import sends new canonical JSONL records that are then stored; a second import finds duplicates', async () => {
    const file = join(tmp, 'new.jsonl');
    const query = 'CLI e2e: a crate holds 4 boxes of 6 items; how many items are there?';
    const ids = ['cli-e2e-1', 'cli-e2e-2', 'cli-e2e-3'];
    await writeFile(
      file,
      `${['gpt-4o-mini', 'gpt-4o', 'qwen2.5-7b-instruct']
        .map((llm, i) =>
          JSON.stringify({
            record_id: ids[i],
            task_name: 'synthetic_gsm8k',
            query_id: 'cli-e2e-q1',
            query,
            llm,
            response: i === 2 ? '25' : '24',
            ground_truth: '24',
            performance: i === 2 ? 0 : 1,
            input_tokens: 20,
            output_tokens: 3,
          }),
        )
        .join('\n')}\n`,
    );
    const first = ok(await fusion('import', file));
    expect(first).toMatch(/imported into 127\.0\.0\.1:\d+ \(tenant default\): canonical/);
    expect(first).toMatch(/accepted\s+3\n/);
    for (const recordId of ids) {
      const got = await unary<unknown, { record: { recordId: string; query: string } | null }>(
        ingestion,
        'GetLog',
        { tenant: TENANT, recordId },
      );
      expect(got.record).toMatchObject({ recordId, query });
    }
    const again = JSON.parse(ok(await fusion('--json', 'import', file))) as {
      accepted: number;
      duplicates: number;
    };
    expect(again).toMatchObject({ accepted: 0, duplicates: 3 });
    // The same file read by the server itself (ImportDataset).
    const onServer = JSON.parse(ok(await fusion('--json', 'import', file, '--server-path'))) as {
      done: boolean;
      duplicates: number;
    };
    expect(onServer).toMatchObject({ done: true, duplicates: 3 });
  });

  it('route prints the decision; --execute gets the replayed answer; --json is the response', async () => {
    const [decide, executed, json] = await Promise.all([
      fusion('route', demoQuery),
      fusion('route', demoQuery, '--execute', '--scenario', 'performance_first'),
      fusion('--json', 'route', demoQuery, '--execute'),
    ]);
    const text = ok(decide);
    expect(text).toMatch(/^chosen: \S+ \(task synthetic_\w+, classified\)$/m);
    expect(text).toMatch(/^router: \w+ v\d+, policy balance$/m);
    expect(text).toMatch(/^candidate\s+predicted perf\s+predicted cost\s+predicted latency\s+score$/m);
    // --top defaults to 5 ranked rows.
    expect(text.split('\n').filter((l) => /^\S+\s+\d\.\d{3}\s+\$/.test(l))).toHaveLength(5);

    const answer = ok(executed);
    expect(answer).toMatch(/^router: \w+ v\d+, policy performance_first$/m);
    const header = /^answer \((\S+), \d+\+\d+ tokens, \$[\d.e-]+\):$/m.exec(answer);
    expect(header).not.toBeNull();
    // The replayed answer (it may span lines) follows the header.
    const body = answer.slice((header?.index ?? 0) + (header?.[0].length ?? 0) + 1);
    expect(demoResponses.some((r) => body.startsWith(r))).toBe(true);

    const res = JSON.parse(ok(json)) as {
      decision: { chosen: string; routerVersion: number; ranked: Record<string, unknown>[]; policy: string };
      completion: { text: string; servedBy: string };
      attempts: { ok: boolean }[];
    };
    expect(res.decision.chosen).not.toBe('');
    expect(res.decision.routerVersion).toBeGreaterThan(0);
    expect(res.decision.policy).toBe('balance');
    expect(demoResponses).toContain(res.completion.text);
    expect(res.attempts.at(-1)?.ok).toBe(true);
    // proto-loader's virtual oneof keys (`_predictedLatencyMs`) are not part of the output.
    expect(Object.keys(res.decision.ranked[0] ?? {}).filter((k) => k.startsWith('_'))).toEqual([]);
  });

  it('server-side errors are one line naming the field (INVALID_ARGUMENT, NOT_FOUND: exit 2)', async () => {
    const [unknownModel, zeroCost, noDataset, bothZero] = await Promise.all([
      fusion('route', demoQuery, '--allow', 'no-such-model'),
      fusion('route', demoQuery, '--max-cost', '0'),
      fusion('distill', 'submit', 'ds-does-not-exist'),
      fusion('route', demoQuery, '--alpha', '0', '--beta', '0'),
    ]);
    expect(unknownModel.code).toBe(2);
    expect(expectOneLineError(unknownModel)).toBe(
      "fusion: RoutingService.RouteQuery: policy.allowed_models[0]: unknown model 'no-such-model'",
    );
    expect(zeroCost.code).toBe(2);
    expect(expectOneLineError(zeroCost)).toContain('RoutingService.RouteQuery: policy.max_cost_usd: must be');
    expect(noDataset.code).toBe(2);
    expect(expectOneLineError(noDataset)).toMatch(
      /DistillationService\.SubmitJob: .*ds-does-not-exist.*not found/,
    );
    // Both weights 0 never reaches the server: the CLI names the flags.
    expect(bothZero.code).toBe(2);
    expect(expectOneLineError(bothZero)).toBe('fusion: --alpha and --beta cannot both be 0');
  });

  it('routers list, train (gated) and promote --force', async () => {
    const champion = handle.summary?.champion;
    expect(champion).toBeTruthy();
    const list = ok(await fusion('routers', 'list'));
    expect(list).toMatch(
      new RegExp(
        `^${champion?.routerId}\\s+${champion?.version}\\s+${champion?.kind}\\s+champion\\s+\\d+\\s+performance_first=`,
        'm',
      ),
    );

    const train = ok(await fusion('routers', 'train', '--kind', 'knn,linear', '--promote'));
    const trained = /^trained (\S+) v(\d+) \((\w+)\) on \d+ queries \(\d+ records\)$/m.exec(train);
    expect(trained).not.toBeNull();
    expect(train).toMatch(/^knn\s+performance_first=\S+ balance=\S+ cost_first=\S+\s+\d+ ms$/m);
    expect(train).toMatch(/^linear\s+performance_first=/m);
    expect(train).toMatch(
      /^gate \(balance, held-out reward\): challenger \d\.\d{4} vs champion \S+ v\d+ \d\.\d{4} -> (passed|refused)$/m,
    );
    // Promoted or rejected by the gate, and the output says which (in line with the verdict).
    const verdict = /^gate .* -> (passed|refused)$/m.exec(train)?.[1];
    expect(train).toMatch(verdict === 'passed' ? /^promoted to champion$/m : /^rejected by the gate: .+$/m);

    const [, routerId = '', version = ''] = trained ?? [];
    const promote = ok(await fusion('routers', 'promote', routerId, version, '--force'));
    expect(promote).toContain(`promoted ${routerId} v${version} to champion`);
    const after = JSON.parse(ok(await fusion('--json', 'routers', 'list'))) as {
      champion: { routerId: string; version: number; status: string };
      routers: unknown[];
    };
    expect(after.champion).toMatchObject({ routerId, version: Number(version), status: 'champion' });
    expect(after.routers.length).toBeGreaterThanOrEqual(2);
  });

  it('thoughts build (extractive-v1 summariser) and retrieve (templates + augmented prompt)', async () => {
    const build = ok(await fusion('thoughts', 'build'));
    expect(build).toMatch(
      /^built [1-9]\d* thought templates over 1[0-9] tasks \(selection hybrid, summariser extractive-v1\)$/m,
    );
    const retrieve = ok(await fusion('thoughts', 'retrieve', demoQuery, '--top-k', '2'));
    expect(retrieve).toMatch(/^templates of task synthetic_\w+:$/m);
    expect(retrieve).toMatch(/^1\. synthetic_\w+ {2}similarity \d\.\d{3} {2}\(extractive-v1\)$/m);
    expect(retrieve).toMatch(/^2\. synthetic_\w+/m);
    expect(retrieve).not.toMatch(/^3\. /m);
    const prompt = retrieve.slice(retrieve.indexOf('augmented prompt:\n'));
    expect(prompt).toContain('Thought Template 1:');
    expect(prompt).toContain(demoQuery);
  });

  it('distill dataset, submit (local runner: awaiting_cluster) and jobs', async () => {
    const dataset = ok(await fusion('distill', 'dataset', '--setting', 'perf', '--top-k', '2'));
    const built =
      /^dataset (ds-\S+): [1-9]\d* examples from [1-9]\d* queries \(setting perf, top 2 per query\)$/m.exec(
        dataset,
      );
    expect(built).not.toBeNull();
    const path =
      /^ {2}written to (\S+) \(LLaMA-Factory dataset (\S+), in dataset_info\.json beside it\)$/m.exec(
        dataset,
      );
    expect(path?.[1]?.startsWith(datasetDir)).toBe(true);
    expect(existsSync(path?.[1] ?? '')).toBe(true);
    expect(dataset).toMatch(/^ {2}skipped \d+ responses scored 0 or not scored$/m);
    const datasetId = built?.[1] ?? '';

    const submit = ok(await fusion('distill', 'submit', datasetId, '--student', 'cli-e2e-student'));
    const job = new RegExp(
      `^submitted job (job-\\S+) \\(awaiting_cluster, local runner\\): \\S+ -> cli-e2e-student on ${datasetId}$`,
      'm',
    ).exec(submit);
    expect(job).not.toBeNull();
    const manifest = /^ {2}manifest: (\S+)$/m.exec(submit)?.[1] ?? '';
    expect(existsSync(manifest)).toBe(true);

    const jobId = job?.[1] ?? '';
    const jobs = ok(await fusion('distill', 'jobs'));
    expect(jobs).toMatch(
      new RegExp(
        `^${jobId}\\s+awaiting_cluster\\s+${datasetId}\\s+\\S+\\s+cli-e2e-student\\s+local\\s+\\S+\\s+${manifest}$`,
        'm',
      ),
    );
    expect(jobs).toContain('awaiting_cluster: no cluster runs these jobs');
  });

  it('serve runs a second embedded deployment until SIGINT, and the other commands reach it', async () => {
    const env = { ...process.env };
    delete env['NODE_OPTIONS'];
    for (const key of Object.keys(env)) if (key.startsWith('FUSION_')) delete env[key];
    const [port, httpPort] = [await freePort(), await freePort()];
    const child = spawn(
      process.execPath,
      [
        FUSION_BIN,
        'serve',
        '--in-memory',
        '--seed',
        'none',
        '--no-pipeline',
        '-p',
        String(port),
        '--http-port',
        String(httpPort),
      ],
      { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const exited = new Promise<number | null>((res) => child.on('close', (code) => res(code)));
    try {
      const deadline = Date.now() + 60_000;
      while (!stdout.includes('press Ctrl-C to stop')) {
        if (Date.now() > deadline || child.exitCode !== null)
          throw new Error(`serve did not start:\n${stdout}\n${stderr}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(stdout).toContain('FusionFactory is running (embedded, in memory)');
      expect(stdout).toContain(`gRPC  127.0.0.1:${port}`);
      // Warnings only by default: no service log lines around the addresses.
      expect(stdout).not.toContain('"level":"info"');
      const list = await runFusion(['--address', `127.0.0.1:${port}`, 'routers', 'list']);
      expect(ok(list)).toContain('no routers yet');
    } finally {
      child.kill('SIGINT');
    }
    expect(await exited).toBe(0);
    expect(stderr).toContain('stopping FusionFactory...');
  });
});
