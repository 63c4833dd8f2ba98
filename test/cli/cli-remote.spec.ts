import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeFusionServer, type Calls } from './fake-fusion-server';
import { expectOneLineError, runFusion, SHARED_DATA } from './run-fusion';

// A gRPC server with FusionFactory's protos and canned answers: these check what the CLI sends and prints,
// not what the services compute (their own tests do).
let server: { address: string; calls: Calls; close(): Promise<void> };
const fusion = (...args: string[]) => runFusion(['--address', server.address, ...args]);
const MBPP_TEST = resolve(SHARED_DATA, 'routerbench-routerdc/mbpp_test.csv');

beforeAll(async () => {
  server = await startFakeFusionServer();
});
afterAll(async () => {
  await server.close();
});

describe('fusion remote commands (against a gRPC server)', () => {
  it('route sends the policy and prints the decision', async () => {
    const run = await fusion(
      'route',
      'What is 17 * 23?',
      '--alpha',
      '0.7',
      '--beta',
      '0.3',
      '--allow',
      'gpt-4o,gpt-4o-mini',
      '--exclude',
      'claude-3-5-sonnet',
      '--max-cost',
      '0.01',
      '--task',
      'synthetic_gsm8k',
      '--execute',
    );
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('chosen: gpt-4o-mini (task synthetic_gsm8k)');
    expect(run.stdout).toContain('The answer is 391.');
    const req = server.calls['RouteQuery']?.at(-1) as {
      query: string;
      mode: number;
      taskHint: string;
      tenant: string;
      policy: {
        scenario: string;
        alpha: number;
        beta: number;
        allowedModels: string[];
        excludedModels: string[];
        maxCostUsd: number;
      };
    };
    expect(req).toMatchObject({
      query: 'What is 17 * 23?',
      mode: 2,
      taskHint: 'synthetic_gsm8k',
      tenant: 'default',
    });
    expect(req.policy).toMatchObject({
      scenario: '',
      alpha: 0.7,
      beta: 0.3,
      allowedModels: ['gpt-4o', 'gpt-4o-mini'],
      excludedModels: ['claude-3-5-sonnet'],
      maxCostUsd: 0.01,
    });
  });

  it('route --json prints the response; a server INVALID_ARGUMENT is a one-line usage error', async () => {
    const ok = await fusion('--json', 'route', 'hi', '--scenario', 'cost_first');
    expect(ok.code).toBe(0);
    expect((JSON.parse(ok.stdout) as { decision: { chosen: string } }).decision.chosen).toBe('gpt-4o-mini');
    expect(
      (server.calls['RouteQuery']?.at(-1) as { policy: { scenario: string }; mode: number }).policy.scenario,
    ).toBe('cost_first');
    const bad = await fusion('route', 'fail-invalid');
    expect(bad.code).toBe(2);
    expect(expectOneLineError(bad)).toContain('policy.alpha: must be >= 0');
  });

  it('routers list, train and promote', async () => {
    const list = await fusion('routers', 'list', '--tenant', 'acme');
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/router-knn\s+2\s+knn\s+champion/);
    expect(server.calls['ListRouters']?.at(-1)).toEqual({ tenant: 'acme' });

    const train = await fusion('routers', 'train', '--kind', 'mlp', '--promote');
    expect(train.code).toBe(0);
    expect(train.stdout).toContain('trained router-knn v3');
    expect(train.stdout).toContain('promoted to champion');
    expect(train.stdout).toContain(
      'gate (balance, held-out reward): challenger 0.4500 vs champion router-knn v2 0.4300 -> passed',
    );
    expect(server.calls['TrainRouter']?.at(-1)).toMatchObject({
      kind: 'mlp',
      kinds: [],
      promoteIfBetter: true,
      shadow: false,
    });
    const several = await fusion('routers', 'train', '--kind', 'mlp,graph', '--gate-scenario', 'cost_first');
    expect(several.code).toBe(0);
    expect(server.calls['TrainRouter']?.at(-1)).toMatchObject({
      kind: '',
      kinds: ['mlp', 'graph'],
      gateScenario: 'cost_first',
    });

    const promote = await fusion('routers', 'promote', 'router-knn', '3', '--force');
    expect(promote.code).toBe(0);
    expect(promote.stdout).toContain('promoted router-knn v3');
    expect(server.calls['PromoteRouter']?.at(-1)).toMatchObject({
      routerId: 'router-knn',
      version: 3,
      force: true,
    });
  });

  it('thoughts build and retrieve', async () => {
    const build = await fusion('thoughts', 'build', '--selection', 'performance', '--queries-per-task', '5');
    expect(build.code).toBe(0);
    expect(build.stdout).toContain(
      'built 36 thought templates over 12 tasks (selection performance, summariser extractive-v1)',
    );
    expect(server.calls['BuildTemplates']?.at(-1)).toMatchObject({
      selection: 'performance',
      queriesPerTask: 5,
    });

    const retrieve = await fusion('thoughts', 'retrieve', 'How many apples?', '--top-k', '2');
    expect(retrieve.code).toBe(0);
    expect(retrieve.stdout).toContain('augmented prompt:');
    expect(server.calls['RetrieveThoughts']?.at(-1)).toMatchObject({ query: 'How many apples?', topK: 2 });
  });

  it('distill dataset, submit and jobs', async () => {
    const dataset = await fusion(
      'distill',
      'dataset',
      '--setting',
      'judge',
      '--top-k',
      '2',
      '--out',
      '/tmp/sft.json',
    );
    expect(dataset.code).toBe(0);
    expect(dataset.stdout).toContain(
      'dataset ds-1: 120 examples from 60 queries (setting judge, top 2 per query)',
    );
    expect(dataset.stdout).toContain('skipped 4 responses scored 0 or not scored');
    expect(server.calls['BuildDataset']?.at(-1)).toMatchObject({
      setting: 'judge',
      topK: 2,
      outPath: '/tmp/sft.json',
    });

    const submit = await fusion(
      'distill',
      'submit',
      'ds-1',
      '--base-model',
      'llama-3.1-8b-instruct',
      '--student',
      's1',
    );
    expect(submit.code).toBe(0);
    expect(submit.stdout).toContain('submitted job job-1 (awaiting_cluster, local runner)');
    expect(submit.stdout).toContain('manifest: /tmp/jobs/job-1/job.json');
    expect(server.calls['SubmitJob']?.at(-1)).toMatchObject({ datasetId: 'ds-1', studentName: 's1' });

    const jobs = await fusion('distill', 'jobs');
    expect(jobs.code).toBe(0);
    expect(jobs.stdout).toMatch(
      /job-1\s+awaiting_cluster\s+ds-1\s+.*\blocal\s+\S+\s+\/tmp\/jobs\/job-1\/job\.json/,
    );
  });

  it('import streams validated records to IngestLogs in batches', async () => {
    const run = await fusion('import', MBPP_TEST, '--batch-size', '400', '--tenant', 't1');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/accepted\s+1408/);
    const batches = server.calls['IngestLogs'] as {
      records: { tenant: string; llm: string; split: string }[];
    }[];
    expect(batches.map((b) => b.records.length)).toEqual([400, 400, 400, 208]);
    expect(batches.flatMap((b) => b.records).every((r) => r.tenant === 't1' && r.split === 'test')).toBe(
      true,
    );
  });

  it('import --server-path asks the server to import its own file (ImportDataset)', async () => {
    const run = await fusion(
      'import',
      '/srv/logs/demo.jsonl',
      '--server-path',
      '--format',
      'jsonl',
      '--dry-run',
    );
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/accepted\s+19/);
    expect(server.calls['ImportDataset']?.at(-1)).toEqual({
      path: '/srv/logs/demo.jsonl',
      format: 'canonical',
      tenant: 'default',
      dryRun: true,
    });
  });

  it('import --dry-run validates offline and prints the ImportReport', async () => {
    const run = await runFusion(['--json', 'import', MBPP_TEST, '--dry-run']);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as {
      dryRun: boolean;
      format: string;
      accepted: number;
      rejected: number;
    };
    expect(report).toMatchObject({ dryRun: true, format: 'routerbench', accepted: 1408, rejected: 0 });
  });
});
