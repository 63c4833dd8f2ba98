import { DomainError } from '@fusion/shared/kernel';
import { describe, expect, it } from 'vitest';
import {
  bestSingleCandidate,
  gapClosed,
  oracleSelection,
  randomSelection,
  singleSelection,
  strategySelection,
  summariseSelection,
} from './benchmark-metrics';
import { buildRewardTable } from './reward-table';
import { SCENARIOS, type BenchmarkQuery, type RankedPrediction } from './strategy';

function q(id: string, outcomes: Record<string, [number, number]>): BenchmarkQuery {
  return {
    queryId: id,
    taskName: 'T',
    taskDomain: 'general',
    query: id,
    split: 'test',
    outcomes: Object.entries(outcomes).map(([candidate, [performance, costUsd]]) => ({
      candidate,
      performance,
      costUsd,
      judgeScore: null,
    })),
  };
}

// Performance-first rewards = performance (range [0, 1]). Per query: a, b, c.
const queries = [
  q('q1', { a: [1, 0.01], b: [0, 0.001], c: [0, 0.002] }),
  q('q2', { a: [0, 0.01], b: [1, 0.001], c: [0, 0.002] }),
  q('q3', { a: [1, 0.01], b: [0, 0.001], c: [1, 0.002] }),
  q('q4', { a: [0, 0.01], b: [0, 0.001], c: [1, 0.002] }),
];
const candidates = ['a', 'b', 'c'];
const table = buildRewardTable(queries, candidates, SCENARIOS.performance_first);
const all = [0, 1, 2, 3];
const pred = (...names: string[]): RankedPrediction[] =>
  names.map((candidate, i) => ({ candidate, predictedPerformance: 0, predictedCostUsd: 0, score: -i }));

describe('benchmark metrics', () => {
  it('gap closed = (r - r_best) / (r_oracle - r_best), null when the oracle is no better', () => {
    expect(gapClosed(0.5, 0.4, 0.6)).toBeCloseTo(0.5, 12);
    expect(gapClosed(0.4, 0.4, 0.6)).toBe(0);
    expect(gapClosed(0.6, 0.4, 0.6)).toBeCloseTo(1, 12);
    expect(gapClosed(0.3, 0.4, 0.6)).toBeCloseTo(-0.5, 12);
    expect(gapClosed(0.4, 0.4, 0.4)).toBeNull();
  });

  it('the best single is the highest mean reward, ties to the first candidate', () => {
    // a: 0.5, b: 0.25, c: 0.5 -> a (first of the tie)
    expect(bestSingleCandidate(table, all)).toEqual({ index: 0, reward: 0.5 });
    expect(bestSingleCandidate(table, [1, 3])).toEqual({ index: 1, reward: 0.5 });
  });

  it('summarises a single candidate (hand-computed)', () => {
    const e = summariseSelection(table, singleSelection(table, 2), all, { hasJudge: false });
    expect(e).toMatchObject({
      name: 'c',
      kind: 'single',
      candidate: 'c',
      queries: 4,
      performance: 0.5,
      cost_usd: 0.002,
      reward: 0.5,
      judge_score: null,
      ranking: null,
      choices: { c: 4 },
      imputed_outcomes: 0,
    });
    expect(e.cost_usd_total).toBeCloseTo(0.008, 12);
    // cost range [0.001, 0.01]: c normalises to 1/9
    expect(e.cost_normalised).toBeCloseTo(1 / 9, 12);
  });

  it('the oracle takes the first maximum per query and ranks perfectly', () => {
    const e = summariseSelection(table, oracleSelection(table), all, { hasJudge: false });
    expect(e.reward).toBe(1);
    expect(e.choices).toEqual({ a: 2, b: 1, c: 1 }); // q1 a, q2 b, q3 a (tie a/c), q4 c
    expect(e.ranking).toEqual({
      ndcg_at_1: 1,
      ndcg_at_3: 1,
      ndcg_at_5: 1,
      hit_at_1: 1,
      hit_at_3: 1,
      hit_at_5: 1,
      mrr: 1,
    });
  });

  it('scores a strategy ranking: NDCG, Hit and MRR against the tie set of best candidates', () => {
    // q1 relevant {a}: ranked [b, a, c] -> rank 2. q2 {b}: [b, ...] -> rank 1.
    // q3 {a, c}: [b, c, a] -> ranks 2 and 3. q4 {c}: [a, b, c] -> rank 3.
    const s = strategySelection(table, 'mine', [
      pred('b', 'a', 'c'),
      pred('b', 'a', 'c'),
      pred('b', 'c', 'a'),
      pred('a', 'b', 'c'),
    ]);
    const e = summariseSelection(table, s, all, { hasJudge: false });
    expect(e.reward).toBeCloseTo(0.25, 12); // only q2 picked right
    expect(e.ranking?.hit_at_1).toBeCloseTo(0.25, 12);
    expect(e.ranking?.hit_at_3).toBe(1);
    expect(e.ranking?.mrr).toBeCloseTo((1 / 2 + 1 + 1 / 2 + 1 / 3) / 4, 12);
    const l3 = 1 / Math.log2(3);
    const ndcg3 = [l3, 1, (l3 + 0.5) / (1 + l3), 0.5];
    expect(e.ranking?.ndcg_at_3).toBeCloseTo(ndcg3.reduce((a, b) => a + b) / 4, 12);
    expect(e.ranking?.ndcg_at_1).toBeCloseTo(0.25, 12);
    expect(e.choices).toEqual({ b: 3, a: 1 });
  });

  it('skips unknown candidates in a ranking and rejects one with none known', () => {
    const s = strategySelection(table, 'x', [pred('zzz', 'c'), pred('a'), pred('a'), pred('a')]);
    expect(s.picks[0]).toBe(2);
    expect(() => strategySelection(table, 'x', [pred('zzz'), pred('a'), pred('a'), pred('a')])).toThrow(
      /strategy "x" ranked no known candidate for query q1/,
    );
    expect(() => strategySelection(table, 'x', [pred('a')])).toThrow(DomainError);
  });

  it('random is seeded per query: same seed, same picks; every pick is a candidate', () => {
    const r1 = randomSelection(table, 7);
    const r2 = randomSelection(table, 7);
    expect(r1.picks).toEqual(r2.picks);
    expect(r1.rankings?.every((r) => [...r].sort().join() === '0,1,2')).toBe(true);
    const seeds = [1, 2, 3, 4, 5, 6, 8, 9].map((s) => randomSelection(table, s).picks.join());
    expect(new Set(seeds).size).toBeGreaterThan(1);
  });
});
