import { describe, expect, it } from 'vitest';
import { selectChampion } from '../champion-selection';
import { evaluateChoices, realisedReward } from '../router-evaluation';
import { syntheticTrainingSet } from '../testing/synthetic-log.fixture';
import { buildTrainingSet, type RoutingSample } from '../training-set';
import { BestSingleBaseline } from './best-single.baseline';
import { CheapestBaseline } from './cheapest.baseline';
import { OracleBaseline } from './oracle.baseline';
import { RandomBaseline } from './random.baseline';

// Given: two queries, three candidates. `pro` always right and dear, `mid` right once at a tenth of the price,
// `free` never right and free.
const rows: [string, string, number | null, number][] = [
  ['q1', 'pro', 1, 1],
  ['q1', 'mid', 1, 0.1],
  ['q1', 'free', 0, 0],
  ['q2', 'pro', 1, 1],
  ['q2', 'mid', 0, 0.1],
  ['q2', 'free', null, 0],
];
const samples: RoutingSample[] = rows.map(([queryId, candidate, performance, costUsd]) => ({
  queryId,
  taskName: 't',
  taskDomain: 'd',
  query: queryId,
  candidate,
  performance,
  costUsd,
  judgeScore: null,
}));
const set = buildTrainingSet(samples, () => Float32Array.from([1]));

describe('baselines', () => {
  it('given each scenario, then best single picks the best mean train score', () => {
    const b = BestSingleBaseline.fit(set);
    expect(b.choose({ alpha: 1, beta: 0 })).toBe('pro');
    expect(b.choose({ alpha: 0.5, beta: 0.5 })).toBe('mid'); // 0.25 - 0.05 beats pro's 0.5 - 0.5
    expect(b.choose({ alpha: 0.05, beta: 1 })).toBe('free');
    expect(b.rank({ queryId: 'q1', taskName: 't' }, { alpha: 1, beta: 0 })).toEqual(
      b.rank({ queryId: 'q2', taskName: 't' }, { alpha: 1, beta: 0 }),
    );
  });

  it('given any policy, then cheapest ranks by mean train cost', () => {
    expect(
      CheapestBaseline.fit(set)
        .rank()
        .map((r) => r.candidate),
    ).toEqual(['free', 'mid', 'pro']);
  });

  it('given a seed, then random is a fixed order per query whatever the batch, and differs across queries and seeds', () => {
    const names = Array.from({ length: 12 }, (_, i) => `m${i}`);
    const r = new RandomBaseline(names, 1);
    const order = (b: RandomBaseline, q: string): string[] => b.rank({ queryId: q }).map((x) => x.candidate);
    expect(order(r, 'q1')).toEqual(order(new RandomBaseline(names, 1), 'q1'));
    expect(order(r, 'q1')).not.toEqual(order(r, 'q2'));
    expect(order(r, 'q1')).not.toEqual(order(new RandomBaseline(names, 2), 'q1'));
    expect([...order(r, 'q1')].sort()).toEqual([...names].sort());
  });

  it('given the outcomes, then the oracle picks the realised best and treats a missing score as a failure', () => {
    const o = new OracleBaseline(set);
    expect(o.rank({ queryId: 'q1' }, { alpha: 0.5, beta: 0.5 })[0]!.candidate).toBe('mid');
    expect(o.rank({ queryId: 'q2' }, { alpha: 1, beta: 0 })[0]!.candidate).toBe('pro');
    // free on q2 has no score: counted as normalised 0, so under cost-only weights it is still free (cost 0)
    expect(o.rank({ queryId: 'q2' }, { alpha: 0, beta: 1 })[0]!.candidate).toBe('free');
    expect(() => o.rank({ queryId: 'q9' }, { alpha: 1, beta: 0 })).toThrow(/outcomes of query q9 not found/);
  });

  it('given a missing outcome, then the realised reward is the worst (perf 0, cost 1)', () => {
    const stats = set.stats[0]!;
    expect(realisedReward(stats, Number.NaN, Number.NaN, { alpha: 0.5, beta: 0.5 })).toBe(-0.5);
    const summary = evaluateChoices(set, ['mid', 'free'], { alpha: 1, beta: 0 });
    expect(summary).toMatchObject({ queries: 2, meanReward: 0.5, choices: { mid: 1, free: 1 } });
  });
});

describe('champion selection', () => {
  it('given a synthetic log, when kinds are compared on validation, then the champion is the best and beats best single', () => {
    const { set: synthetic } = syntheticTrainingSet(3, 60);
    const report = selectChampion(synthetic, { kinds: ['knn', 'linear'], seed: 2 });
    expect(report.routers.map((r) => r.kind)).toEqual(['knn', 'linear']);
    const best = Math.max(...report.routers.map((r) => r.meanReward));
    expect(report.routers.find((r) => r.kind === report.champion)!.meanReward).toBe(best);
    report.scenarios.forEach((_, i) => {
      expect(report.routers.find((r) => r.kind === report.champion)!.rewards[i]).toBeGreaterThan(
        report.bestSingle[i]!.reward,
      );
    });
  });
});
