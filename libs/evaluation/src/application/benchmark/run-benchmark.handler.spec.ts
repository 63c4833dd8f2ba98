import { DomainError, ErrorCode } from '@fusion/shared/kernel';
import { describe, expect, it } from 'vitest';
import { validationSlice } from '../../domain/benchmark/query-split';
import type {
  BenchmarkQuery,
  FusionStrategy,
  QueryView,
  RankedPrediction,
  StrategyTrainer,
} from '../../domain/benchmark/strategy';
import type { BenchmarkProgress } from './run-benchmark.command';
import { runBenchmark } from './run-benchmark.handler';
import {
  alwaysCheapestTrainer,
  fixedTrainer,
  perTaskBestTrainer,
  query,
} from './testing/tiny-trainers.fixture';

const list = (...names: string[]): RankedPrediction[] =>
  names.map((candidate, i) => ({ candidate, predictedPerformance: 0, predictedCostUsd: 0, score: -i }));

/** Picks per query id from a fixed table (default: good): a strategy whose test choices the test knows. */
function lookupTrainer(picks: Record<string, string>): StrategyTrainer {
  return {
    name: 'lookup',
    async train(): Promise<FusionStrategy> {
      return {
        name: 'lookup',
        rankBatch: async (qs: readonly QueryView[]) =>
          qs.map((q) =>
            (picks[q.queryId] ?? 'good') === 'good' ? list('good', 'cheap') : list('cheap', 'good'),
          ),
      };
    },
  };
}

// Train: good is always right ($1e-3); cheap ($1e-4) is right on half. Test: each is right once.
const small: BenchmarkQuery[] = [
  query('tq1', 't', 'train', { cheap: [1, 1e-4], good: [1, 1e-3] }),
  query('tq2', 't', 'train', { cheap: [1, 1e-4], good: [1, 1e-3] }),
  query('tq3', 't', 'train', { cheap: [0, 1e-4], good: [1, 1e-3] }),
  query('tq4', 't', 'train', { cheap: [0, 1e-4], good: [1, 1e-3] }),
  query('q1', 't', 'test', { cheap: [0, 1e-4], good: [1, 1e-3] }),
  query('q2', 't', 'test', { cheap: [1, 1e-4], good: [0, 1e-3] }),
];

async function caught(p: Promise<unknown>): Promise<DomainError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof DomainError) return e;
    throw e;
  }
  throw new Error('expected a DomainError');
}

describe('runBenchmark', () => {
  it('scores baselines and a strategy on test (hand-computed, performance_first and balance)', async () => {
    const report = await runBenchmark({
      queries: small,
      trainers: [lookupTrainer({ q1: 'good', q2: 'cheap' })],
      scenarios: ['performance_first', 'balance'],
      validationFraction: 0.25,
    });
    const pf = report.scenarios.performance_first?.overall;
    expect(pf?.best_single).toMatchObject({
      name: 'best_single',
      kind: 'best_single',
      candidate: 'good',
      performance: 0.5,
      cost_usd: 1e-3,
      reward: 0.5,
      gap_closed: 0,
      selection: { on: 'train', queries: 4, reward: 1 },
    });
    expect(pf?.singles.cheap).toMatchObject({ reward: 0.5, cost_usd: 1e-4, gap_closed: 0 });
    expect(pf?.oracle).toMatchObject({
      reward: 1,
      performance: 1,
      gap_closed: 1,
      choices: { cheap: 1, good: 1 },
    });
    expect(pf?.oracle.cost_usd).toBeCloseTo(5.5e-4, 15);
    expect(pf?.strategies.lookup).toMatchObject({
      kind: 'strategy',
      candidate: null,
      reward: 1,
      gap_closed: 1,
    });
    expect(pf?.strategies.lookup?.ranking).toMatchObject({ hit_at_1: 1, mrr: 1, ndcg_at_1: 1 });
    expect(pf?.champion).toBe('lookup');
    expect(pf?.pareto_frontier).toEqual(['cheap']); // good costs more for the same 0.5
    expect(pf?.cost_saved).toMatchObject({
      quality_metric: 'performance',
      best_single: 'good',
      champion: 'lookup',
      champion_reaches_quality: true,
      cheapest_at_quality: { name: 'cheap', kind: 'single', cost_usd: 1e-4 },
    });
    expect(pf?.cost_saved.saved_usd_per_query).toBeCloseTo(4.5e-4, 15);
    expect(pf?.cost_saved.saved_pct).toBeCloseTo(45, 9);
    expect(pf?.cost_saved.cheapest_at_quality.saved_pct).toBeCloseTo(90, 9);

    // Balance: on train cheap scores 0.25 and good 0, so the best single is cheap; on test it ties the oracle.
    const bal = report.scenarios.balance?.overall;
    expect(bal?.best_single).toMatchObject({ candidate: 'cheap', reward: 0.25, gap_closed: null });
    expect(bal?.best_single.selection?.reward).toBeCloseTo(0.25, 12);
    expect(bal?.oracle.reward).toBeCloseTo(0.25, 12);
    expect(bal?.strategies.lookup?.reward).toBeCloseTo(0.25, 12); // q1 good: 0.5 - 0.5; q2 cheap: 0.5
    expect(bal?.singles.good?.reward).toBeCloseTo(-0.25, 12);
    expect(report.scenarios.balance?.tasks.t?.best_single.candidate).toBe('cheap');
  });

  it('chooses the champion on validation only: test-peeking would pick the other strategy', async () => {
    const seed = 7;
    const fraction = 0.3;
    const trainIds = Array.from({ length: 10 }, (_, i) => ({ queryId: `tr${i}`, taskName: 't' }));
    const { validation } = validationSlice(trainIds, seed, fraction);
    const inValidation = new Set(validation.map((v) => v.queryId));
    expect(inValidation.size).toBe(3);
    const queries = [
      // x is right on the validation slice, y on the rest of train and on test.
      ...trainIds.map((t) =>
        query(
          t.queryId,
          't',
          'train',
          inValidation.has(t.queryId) ? { x: [1, 1e-3], y: [0, 1e-3] } : { x: [0, 1e-3], y: [1, 1e-3] },
        ),
      ),
      ...Array.from({ length: 4 }, (_, i) => query(`te${i}`, 't', 'test', { x: [0, 1e-3], y: [1, 1e-3] })),
    ];
    const report = await runBenchmark({
      queries,
      trainers: [fixedTrainer('pick_y', () => 'y'), fixedTrainer('pick_x', () => 'x')],
      scenarios: ['performance_first'],
      seed,
      validationFraction: fraction,
    });
    const overall = report.scenarios.performance_first?.overall;
    expect(overall?.strategies.pick_y?.reward).toBe(1);
    expect(overall?.strategies.pick_x?.reward).toBe(0);
    expect(overall?.champion).toBe('pick_x');
    expect(report.scenarios.performance_first?.tasks.t?.champion).toBe('pick_x');
    expect(overall?.strategies.pick_x?.selection).toEqual({ on: 'validation', queries: 3, reward: 1 });
    expect(overall?.strategies.pick_y?.selection).toEqual({ on: 'validation', queries: 3, reward: 0 });
    expect(report.settings.champion_rule).toMatch(/validation slice of train.*never used/s);
  });

  it('trainers never see test data, and strategies never see outcomes', async () => {
    const inner = perTaskBestTrainer();
    const ranked: QueryView[][] = [];
    const spy: StrategyTrainer = {
      name: 'spy',
      async train(train) {
        const s = await inner.train(train);
        return {
          name: 'spy',
          rankBatch: async (qs, scenario) => {
            ranked.push([...qs]);
            return s.rankBatch(qs, scenario);
          },
        };
      },
    };
    const queries = [
      ...Array.from({ length: 8 }, (_, i) =>
        query(`a${i}`, 'A', i < 6 ? 'train' : 'test', { m: [i % 2, 1e-3], n: [1, 2e-3] }),
      ),
      ...Array.from({ length: 6 }, (_, i) =>
        query(`b${i}`, 'B', i < 4 ? 'train' : 'test', { m: [1, 1e-3], n: [0, 2e-3] }),
      ),
    ];
    await runBenchmark({ queries, trainers: [spy], scenarios: ['balance', 'cost_first'], seed: 3 });
    const testIds = new Set(queries.filter((q) => q.split === 'test').map((q) => q.queryId));
    const trainIds = queries.filter((q) => q.split === 'train').map((q) => q.queryId);
    const { validation, fit } = validationSlice(
      queries.filter((q) => q.split === 'train'),
      3,
      0.2,
    );
    expect(inner.seen).toHaveLength(2);
    expect(inner.seen[0]?.map((q) => q.queryId).sort()).toEqual(fit.map((q) => q.queryId).sort());
    expect(inner.seen[1]?.map((q) => q.queryId).sort()).toEqual([...trainIds].sort());
    expect(inner.seen.flat().some((q) => testIds.has(q.queryId))).toBe(false);
    // two scenarios on validation, then two on test
    expect(ranked.map((r) => r.map((q) => q.queryId).sort())).toEqual([
      validation.map((q) => q.queryId).sort(),
      validation.map((q) => q.queryId).sort(),
      [...testIds].sort(),
      [...testIds].sort(),
    ]);
    for (const view of ranked.flat())
      expect(Object.keys(view).sort()).toEqual(['query', 'queryId', 'taskDomain', 'taskName']);
  });

  it('a trainer cannot change what the harness scores by mutating its input', async () => {
    const vandal: StrategyTrainer = {
      name: 'vandal',
      async train(train) {
        for (const q of train) for (const o of q.outcomes) o.performance = 1;
        return fixedTrainer('vandal', () => 'cheap').train(train);
      },
    };
    const clean = await runBenchmark({
      queries: small,
      trainers: [alwaysCheapestTrainer()],
      validationFraction: 0.25,
    });
    const dirty = await runBenchmark({ queries: small, trainers: [vandal], validationFraction: 0.25 });
    expect(dirty.scenarios.balance?.overall.best_single).toEqual(
      clean.scenarios.balance?.overall.best_single,
    );
    expect(small[0]?.outcomes[0]?.performance).toBe(1);
    expect(small[2]?.outcomes[0]?.performance).toBe(0);
  });

  it('is deterministic and reports progress up to the total', async () => {
    const events: BenchmarkProgress[] = [];
    const run = () =>
      runBenchmark({
        queries: small,
        trainers: [perTaskBestTrainer(), alwaysCheapestTrainer()],
        validationFraction: 0.25,
        onProgress: (p) => events.push(p),
      });
    const a = await run();
    const total = events[0]?.total;
    // 2 trainers x (2 fits + 2 x 3 scenario rankings) + 3 scenario reports
    expect(total).toBe(2 * (2 + 2 * 3) + 3);
    expect(events.map((e) => e.completed)).toEqual(Array.from({ length: total ?? 0 }, (_, i) => i + 1));
    expect(events.map((e) => e.phase)).toContain('champion_selection');
    const b = await run();
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
    expect(Object.keys(a.scenarios)).toEqual(['performance_first', 'balance', 'cost_first']);
  });

  it('runs the judge scenario on judge scores and a custom scenario by its weights', async () => {
    const judged = [
      query('tr1', 't', 'train', { a: [1, 1e-3, 0.9], b: [1, 1e-4, 0.3] }),
      query('tr2', 't', 'train', { a: [1, 1e-3, 0.8], b: [0, 1e-4, 0.1] }),
      query('te1', 't', 'test', { a: [1, 1e-3, 0.7], b: [1, 1e-4, 0.6] }),
    ];
    const report = await runBenchmark({
      queries: judged,
      trainers: [],
      scenarios: ['judge', 'custom:0.9,0.1'],
    });
    const judge = report.scenarios.judge;
    expect(judge?.quality_metric).toBe('judge_score');
    expect(judge?.overall.best_single.candidate).toBe('a');
    expect(judge?.overall.best_single).toMatchObject({ reward: 0.7, judge_score: 0.7 });
    expect(judge?.overall.champion).toBeNull();
    expect(report.scenarios.custom_a0p9_b0p1?.scenario).toEqual({
      name: 'custom_a0p9_b0p1',
      alpha: 0.9,
      beta: 0.1,
      objective: 'performance',
    });
    // te1: both right, so perf normalises to 0; cost: a = 1, b = 0 -> a: -0.1, b: 0
    expect(report.scenarios.custom_a0p9_b0p1?.overall.singles.a?.reward).toBeCloseTo(-0.1, 12);
    expect(report.dataset.has_judge_scores).toBe(true);
  });

  it('a task without train queries inherits the overall best single', async () => {
    const queries = [...small, query('o1', 'only_test', 'test', { cheap: [1, 1e-4], good: [1, 1e-3] })];
    const report = await runBenchmark({ queries, trainers: [], scenarios: ['performance_first'] });
    const task = report.scenarios.performance_first?.tasks.only_test;
    expect(task?.best_single.candidate).toBe('good');
    expect(task?.best_single.selection?.on).toBe('train_all_tasks');
    expect(report.dataset.tasks.only_test).toEqual({
      domain: 'general',
      train_queries: 0,
      validation_queries: 0,
      test_queries: 1,
    });
  });

  describe('bad input', () => {
    it('no test split: FAILED_PRECONDITION that says how to supply one', async () => {
      const err = await caught(
        runBenchmark({ queries: small.filter((q) => q.split === 'train'), trainers: [] }),
      );
      expect(err.code).toBe(ErrorCode.FailedPrecondition);
      expect(err.message).toMatch(/4 train and 0 test/);
      expect(err.message).toMatch(/seed/);
    });

    it('the judge scenario without judge scores', async () => {
      const err = await caught(runBenchmark({ queries: small, trainers: [], scenarios: ['judge'] }));
      expect(err.code).toBe(ErrorCode.FailedPrecondition);
      expect(err.message).toMatch(/no outcome in the logs has one/);
    });

    it('names the bad field', async () => {
      const field = async (p: Promise<unknown>) => (await caught(p)).violations.map((v) => v.field);
      expect(
        await field(
          runBenchmark({ queries: small, trainers: [perTaskBestTrainer('x'), alwaysCheapestTrainer('x')] }),
        ),
      ).toEqual(['trainers[1].name']);
      expect(await field(runBenchmark({ queries: small, trainers: [], validationFraction: 1 }))).toEqual([
        'validationFraction',
      ]);
      expect(
        await field(runBenchmark({ queries: [...small, small[0] as BenchmarkQuery], trainers: [] })),
      ).toEqual(['queries[6].queryId']);
      const nan = query('bad', 't', 'test', { a: [Number.NaN, 1e-3] });
      expect(await field(runBenchmark({ queries: [...small, nan], trainers: [] }))).toEqual([
        'queries[6].outcomes[0].performance',
      ]);
      expect(await field(runBenchmark({ queries: small, trainers: [], scenarios: ['nope'] }))).toEqual([
        'scenarios[0]',
      ]);
    });

    it('a failing trainer or a malformed ranking is an error naming the trainer', async () => {
      const broken: StrategyTrainer = {
        name: 'broken',
        train: async () => {
          throw new Error('out of memory');
        },
      };
      const e1 = await caught(runBenchmark({ queries: small, trainers: [broken], validationFraction: 0.25 }));
      expect(e1.code).toBe(ErrorCode.Internal);
      expect(e1.message).toBe('trainer "broken" failed to train: out of memory');
      const short: StrategyTrainer = {
        name: 'short',
        train: async () => ({ name: 'short', rankBatch: async () => [] }),
      };
      const e2 = await caught(runBenchmark({ queries: small, trainers: [short], validationFraction: 0.25 }));
      expect(e2.message).toMatch(/strategy "short" returned 0 ranking lists for 1 queries/);
    });
  });
});
