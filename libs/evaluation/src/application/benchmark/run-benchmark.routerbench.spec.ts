import { existsSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { LogRecord } from '@fusion/contracts';
import { renderBenchmarkConsoleTable } from '../../adapters/report/console-table.renderer';
import { buildBenchmarkQueries } from '../../domain/benchmark/benchmark-query.builder';
import type { BenchmarkReport, MetricsEntry, ScopeReport } from '../../domain/benchmark/benchmark-report';
import { dominates } from '../../domain/benchmark/pareto-frontier';
import { runBenchmark } from './run-benchmark.handler';
import { ROUTERBENCH_DIR, loadRouterBenchRecords } from './testing/routerbench-csv.fixture';
import { alwaysCheapestTrainer, perTaskBestTrainer } from './testing/tiny-trainers.fixture';

// Real logs: RouterBench ARC-Challenge, MBPP and Winogrande (RouterDC's train/test split), 11 LLMs.
describe('runBenchmark on ../shared/data/routerbench-routerdc', () => {
  let records: LogRecord[];
  let report: BenchmarkReport;

  beforeAll(async () => {
    expect(existsSync(ROUTERBENCH_DIR), `${ROUTERBENCH_DIR} must exist`).toBe(true);
    records = loadRouterBenchRecords();
    const ds = buildBenchmarkQueries(records);
    report = await runBenchmark({
      queries: ds.queries,
      trainers: [perTaskBestTrainer(), alwaysCheapestTrainer()],
      seed: 42,
      dataset: { name: 'routerbench-routerdc', split: ds.split, issues: ds.issues },
    });
  });

  const scopes = () =>
    Object.entries(report.scenarios).flatMap(([s, r]) => [
      { label: `${s}/overall`, scope: r.overall },
      ...Object.entries(r.tasks).map(([t, scope]) => ({ label: `${s}/${t}`, scope })),
    ]);
  const entries = (scope: ScopeReport): MetricsEntry[] => [
    scope.best_single,
    scope.random,
    ...Object.values(scope.strategies),
    ...Object.values(scope.singles),
  ];

  it('reads the split and shape of the data', () => {
    expect(report.dataset).toMatchObject({
      name: 'routerbench-routerdc',
      queries: 3178,
      train_queries: 2225,
      test_queries: 953,
      split: { source: 'records', seed: null, test_fraction: null },
      has_judge_scores: false,
    });
    expect(report.dataset.candidates).toHaveLength(11);
    expect(Object.keys(report.dataset.tasks)).toEqual(['arc-challenge', 'mbpp', 'winogrande']);
    expect(report.dataset.tasks['arc-challenge']).toMatchObject({
      domain: 'commonsense',
      train_queries: 1039,
      test_queries: 445,
    });
    // The 154 empty ARC score cells are reported, not lost.
    expect(report.dataset.missing_values).toEqual({
      absent: 0,
      performance: 154,
      cost_usd: 0,
      judge_score: 3178 * 11,
    });
    expect(Object.keys(report.scenarios)).toEqual(['performance_first', 'balance', 'cost_first']);
  });

  it('the oracle is at least as good as every strategy and baseline, in every scope', () => {
    for (const { label, scope } of scopes()) {
      for (const e of entries(scope)) {
        expect(scope.oracle.reward, `${label}: oracle vs ${e.name}`).toBeGreaterThanOrEqual(e.reward - 1e-12);
      }
      expect(scope.oracle.gap_closed, label).toBe(1);
      expect(scope.best_single.gap_closed, label).toBe(0);
    }
  });

  it('the best single is a single LLM chosen on train, reported with its own test numbers', () => {
    for (const { label, scope } of scopes()) {
      const name = scope.best_single.candidate ?? '';
      expect(report.dataset.candidates, label).toContain(name);
      expect(scope.best_single.selection?.on, label).toBe('train');
      const single = scope.singles[name];
      expect(single, label).toBeDefined();
      expect(scope.best_single.reward).toBe(single?.reward);
      expect(scope.best_single.cost_usd).toBe(single?.cost_usd);
    }
    // Independently: under performance_first every task spans 0..1, so the pick is the best mean train accuracy
    // (an empty score cell counting 0).
    const sums = new Map<string, number>();
    for (const r of records)
      if (r.split === 'train') sums.set(r.llm, (sums.get(r.llm) ?? 0) + (r.performance ?? 0));
    const bestOnTrain = [...sums.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
    expect(report.scenarios.performance_first?.overall.best_single.candidate).toBe(bestOnTrain);
    expect(bestOnTrain).toBe('gpt-4-1106-preview');
  });

  it('every entry is internally consistent', () => {
    for (const { label, scope } of scopes()) {
      for (const e of [...entries(scope), scope.oracle]) {
        expect(e.queries, label).toBe(scope.test_queries);
        expect(
          Object.values(e.choices).reduce((a, b) => a + b, 0),
          `${label} ${e.name}`,
        ).toBe(scope.test_queries);
        expect(e.cost_usd_total).toBeCloseTo(e.cost_usd * e.queries, 9);
        expect(e.performance).toBeGreaterThanOrEqual(0);
        expect(e.performance).toBeLessThanOrEqual(1);
      }
    }
    for (const s of Object.values(report.scenarios)) {
      expect(Object.values(s.tasks).reduce((a, t) => a + t.test_queries, 0)).toBe(s.overall.test_queries);
    }
  });

  it('the Pareto frontier holds exactly the non-dominated singles', () => {
    for (const { label, scope } of scopes()) {
      const pts = Object.values(scope.singles).map((s) => ({
        name: s.name,
        cost: s.cost_usd,
        quality: s.performance,
      }));
      const frontier = new Set(scope.pareto_frontier);
      expect(frontier.size, label).toBeGreaterThan(0);
      for (const p of pts) {
        expect(
          pts.some((q) => dominates(q, p)),
          `${label}: ${p.name}`,
        ).toBe(!frontier.has(p.name));
      }
    }
  });

  it('the tiny trainers behave as designed, and the champion is one of them', () => {
    for (const [name, s] of Object.entries(report.scenarios)) {
      expect(['per_task_best', 'always_cheapest']).toContain(s.overall.champion);
      // always_cheapest always picks the LLM with the lowest mean train cost
      expect(s.overall.strategies.always_cheapest?.choices).toEqual({ 'mistralai/mistral-7b-chat': 953 });
      // per_task_best on a task is that task's best single on train
      for (const [task, scope] of Object.entries(s.tasks)) {
        expect(scope.strategies.per_task_best?.reward, `${name}/${task}`).toBeCloseTo(
          scope.best_single.reward,
          12,
        );
      }
    }
    const bal = report.scenarios.balance?.overall;
    // Fusing per task beats the one best single LLM under balance on this data.
    expect(bal?.strategies.per_task_best?.reward).toBeGreaterThan(bal?.best_single.reward ?? Infinity);
    expect(bal?.strategies.per_task_best?.gap_closed).toBeGreaterThan(0);
  });

  it('prints the per-task table', () => {
    const text = renderBenchmarkConsoleTable(report);
    for (const heading of [
      '=== performance_first',
      '=== balance',
      '=== cost_first',
      '--- task arc-challenge',
      '--- task mbpp',
      '--- task winogrande',
    ]) {
      expect(text).toContain(heading);
    }
    expect(text).toMatch(/best single: gpt-4-1106-preview +0\.874/);
    expect(text).toMatch(/cost saved: champion per_task_best/);
  });
});
