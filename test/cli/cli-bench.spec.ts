import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFusionBenchFixture } from '../fixtures/fusionbench/fusionbench-fixture';
import { runFusion, SHARED_DATA } from './run-fusion';

const SCENARIOS = ['performance_first', 'balance', 'cost_first'] as const;
const ROUTERBENCH = resolve(SHARED_DATA, 'routerbench-routerdc');

interface Entry {
  candidate: string | null;
  performance: number;
  cost_usd: number;
  reward: number;
}
interface Scope {
  best_single: Entry;
  oracle: Entry;
  champion: string | null;
  strategies: Record<string, Entry>;
}
interface Report {
  dataset: { candidates: string[]; tasks: Record<string, unknown>; split: { source: string } };
  settings: { trainers: string[] };
  scenarios: Record<string, { overall: Scope; tasks: Record<string, Scope> }>;
}

function expectEntry(e: Entry | undefined, withCandidate: boolean): void {
  expect(e).toBeDefined();
  if (!e) return;
  for (const k of ['performance', 'cost_usd', 'reward'] as const) expect(Number.isFinite(e[k])).toBe(true);
  expect(e.performance).toBeGreaterThanOrEqual(0);
  expect(e.performance).toBeLessThanOrEqual(1);
  expect(e.cost_usd).toBeGreaterThanOrEqual(0);
  if (withCandidate) expect(typeof e.candidate).toBe('string');
  else expect('candidate' in e).toBe(true);
}

/** The keys the issue asks for: per scenario, overall and per task, best single, oracle, champion, strategies. */
function expectReportKeys(report: Report, tasks: readonly string[], trainers: readonly string[]): void {
  for (const name of SCENARIOS) {
    const s = report.scenarios[name];
    expect(s, `scenario ${name}`).toBeDefined();
    if (!s) continue;
    expect(Object.keys(s.tasks).sort()).toEqual([...tasks].sort());
    for (const scope of [s.overall, ...tasks.map((t) => s.tasks[t])]) {
      expect(scope).toBeDefined();
      if (!scope) continue;
      expectEntry(scope.best_single, true);
      expect(scope.best_single.candidate && report.dataset.candidates).toContain(scope.best_single.candidate);
      expectEntry(scope.oracle, false);
      expect(trainers).toContain(scope.champion);
      expect(Object.keys(scope.strategies).sort()).toEqual([...trainers].sort());
      for (const t of trainers) expectEntry(scope.strategies[t], false);
      // The oracle is the ceiling of every row.
      for (const e of [scope.best_single, ...Object.values(scope.strategies)])
        expect(scope.oracle.reward).toBeGreaterThanOrEqual(e.reward - 1e-9);
    }
  }
}

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'fusion-cli-bench-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('fusion bench', () => {
  it('benchmarks RouterBench (every router kind) and writes report.json and report.html', async () => {
    const out = join(tmp, 'routerbench');
    const run = await runFusion(['bench', '--data', ROUTERBENCH, '--out', out], { timeoutMs: 170_000 });
    expect(run.stderr).not.toMatch(/fusion: /);
    expect(run.code).toBe(0);
    // The table goes to stdout: every scenario, the overall and per-task tables, and the summary.
    for (const name of SCENARIOS) expect(run.stdout).toContain(`=== ${name}`);
    expect(run.stdout).toContain('best single:');
    expect(run.stdout).toMatch(/summary \(overall, test split\):/);
    // Progress and notes go to stderr.
    expect(run.stderr).toMatch(
      /import: \d+ records from 6 file\(s\) \(routerbench\), 154 rejected \(empty_score: 154\)/,
    );

    const report = JSON.parse(await readFile(join(out, 'report.json'), 'utf8')) as Report;
    expect(report.dataset.split.source).toBe('records');
    expect(report.dataset.candidates).toHaveLength(11);
    expect(report.settings.trainers).toEqual([
      'knn',
      'mlp',
      'linear',
      'matrix_factorisation',
      'graph',
      'cheapest',
    ]);
    expectReportKeys(report, ['arc-challenge', 'mbpp', 'winogrande'], report.settings.trainers);

    const html = await readFile(join(out, 'report.html'), 'utf8');
    expect(html).toMatch(/^<!DOCTYPE html>/i);
    for (const name of SCENARIOS) expect(html).toContain(`<svg class="pareto-plot" data-scenario="${name}"`);
    for (const cls of [
      'point point-single',
      'point point-strategy',
      'point point-oracle',
      'marker-best-single',
      'pareto-frontier',
    ])
      expect(html).toContain(`class="${cls}`);
  }, 180_000);

  it('benchmarks a FusionBench-format train/test pair (paper columns, _think rows, micro-dollar cost)', async () => {
    const fixture = await writeFusionBenchFixture(join(tmp, 'fusionbench'));
    const out = join(tmp, 'fusionbench-report');
    const run = await runFusion(
      [
        'bench',
        '--train',
        fixture.trainPath,
        '--test',
        fixture.testPath,
        '--format',
        'fusionbench',
        '--routers',
        'knn,linear,cheapest',
        '--out',
        out,
        '--json',
      ],
      { timeoutMs: 110_000 },
    );
    expect(run.code).toBe(0);
    const summary = JSON.parse(run.stdout) as {
      report_json: string;
      scenarios: Record<string, { champion: string }>;
    };
    expect(summary.report_json).toBe(join(out, 'report.json'));
    expect(existsSync(join(out, 'report.html'))).toBe(true);
    const report = JSON.parse(await readFile(summary.report_json, 'utf8')) as Report;
    // 20 LLMs x {direct, think}; the judge column adds the judge scenario.
    expect(report.dataset.candidates).toHaveLength(40);
    expect(report.dataset.candidates).toContain('deepseek-r1:think');
    expect(Object.keys(report.scenarios)).toEqual([...SCENARIOS, 'judge']);
    expectReportKeys(report, Object.keys(report.dataset.tasks), ['knn', 'linear', 'cheapest']);
    expect(Object.keys(report.dataset.tasks)).toContain('gsm8k');
    // Micro-dollars became USD: a query costs well under a cent.
    const best = report.scenarios['performance_first']?.overall.best_single;
    expect(best?.cost_usd).toBeGreaterThan(0);
    expect(best?.cost_usd).toBeLessThan(0.01);
  }, 120_000);

  it('writes demo data that routing beats the best single model on, under balance', async () => {
    const file = join(tmp, 'demo', 'demo.jsonl');
    const demo = await runFusion(['demo-data', '--out', file, '--seed', '7']);
    expect(demo.code).toBe(0);
    expect(demo.stdout).toContain('SYNTHETIC');
    const lines = (await readFile(file, 'utf8')).trim().split('\n');
    expect(lines).toHaveLength(480 * 16);
    const first = JSON.parse(lines[0] ?? '{}') as { task_name: string; metadata: { synthetic: boolean } };
    expect(first.task_name).toMatch(/^synthetic_/);
    expect(first.metadata.synthetic).toBe(true);

    const out = join(tmp, 'demo-report');
    const run = await runFusion(
      [
        'bench',
        '--data',
        file,
        '--routers',
        'linear,knn',
        '--scenario',
        'balance',
        '--out',
        out,
        '--json',
        '-q',
      ],
      {
        timeoutMs: 60_000,
      },
    );
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    const summary = JSON.parse(run.stdout) as {
      scenarios: Record<string, { best_single: Entry; champion_entry: Entry; oracle: Entry }>;
    };
    expect(Object.keys(summary.scenarios)).toEqual(['balance']);
    const balance = summary.scenarios['balance'];
    expect(balance?.champion_entry.reward).toBeGreaterThan(balance?.best_single.reward ?? Infinity);
  }, 90_000);
});
