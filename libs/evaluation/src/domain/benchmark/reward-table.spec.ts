import { describe, expect, it } from 'vitest';
import { buildRewardTable } from './reward-table';
import { SCENARIOS, type BenchmarkQuery } from './strategy';
import { computeTaskNormalisation, minMaxNormalise } from './task-normalisation';

function q(
  id: string,
  task: string,
  outcomes: Record<string, [number | null, number | null, (number | null)?]>,
): BenchmarkQuery {
  return {
    queryId: id,
    taskName: task,
    taskDomain: 'general',
    query: id,
    split: 'test',
    outcomes: Object.entries(outcomes).map(([candidate, [performance, costUsd, judgeScore]]) => ({
      candidate,
      performance,
      costUsd,
      judgeScore: judgeScore ?? null,
    })),
  };
}

// Task T: perf range [0, 1], cost range [0.001, 0.004]. Task U: every value the same.
const queries = [
  q('q1', 'T', { a: [1, 0.004], b: [0, 0.001] }),
  q('q2', 'T', { a: [0.5, 0.003], b: [1, 0.002] }),
  q('u1', 'U', { a: [1, 0.002], b: [1, 0.002] }),
];

describe('per-task min-max normalisation', () => {
  it('computes ranges per task over every candidate and query given', () => {
    const norm = computeTaskNormalisation(queries);
    expect(norm.get('T')).toEqual({ performance: { min: 0, max: 1 }, cost: { min: 0.001, max: 0.004 } });
    expect(norm.get('U')).toEqual({ performance: { min: 1, max: 1 }, cost: { min: 0.002, max: 0.002 } });
  });

  it('a constant range normalises to 0, not NaN', () => {
    expect(minMaxNormalise(5, { min: 5, max: 5 })).toBe(0);
    expect(minMaxNormalise(3, { min: 1, max: 5 })).toBe(0.5);
  });

  it('scores balance rewards as 0.5 * perf - 0.5 * cost on normalised values (hand-computed)', () => {
    const t = buildRewardTable(queries, ['a', 'b'], SCENARIOS.balance);
    const cell = (row: number, c: number) => t.rows[row]?.cells[c];
    // q1: a = 0.5*1 - 0.5*1 = 0; b = 0.5*0 - 0.5*0 = 0 (a tie)
    expect(cell(0, 0)?.costNormalised).toBeCloseTo(1, 12);
    expect(cell(0, 0)?.reward).toBeCloseTo(0, 12);
    expect(cell(0, 1)?.reward).toBeCloseTo(0, 12);
    expect(t.rows[0]?.best).toBe(0);
    expect([...(t.rows[0]?.relevant ?? [])]).toEqual([0, 1]);
    // q2: a = 0.25 - 0.5*(2/3); b = 0.5 - 0.5*(1/3)
    expect(cell(1, 0)?.reward).toBeCloseTo(0.25 - 1 / 3, 12);
    expect(cell(1, 1)?.reward).toBeCloseTo(0.5 - 1 / 6, 12);
    expect(t.rows[1]?.best).toBe(1);
    expect([...(t.rows[1]?.relevant ?? [])]).toEqual([1]);
    // constant task U: everything normalises to 0, so every reward is 0 and both candidates are relevant
    expect(cell(2, 0)).toMatchObject({ performanceNormalised: 0, costNormalised: 0, reward: 0 });
    expect(t.rows[2]?.relevant.size).toBe(2);
  });

  it('performance_first and cost_first weigh the same normalised values', () => {
    const pf = buildRewardTable(queries, ['a', 'b'], SCENARIOS.performance_first);
    const cf = buildRewardTable(queries, ['a', 'b'], SCENARIOS.cost_first);
    expect(pf.rows[1]?.cells[0]?.reward).toBeCloseTo(0.5, 12);
    expect(cf.rows[1]?.cells[0]?.reward).toBeCloseTo(0.2 * 0.5 - 0.8 * (2 / 3), 12);
  });

  it('normalises on the queries given only (the evaluated split)', () => {
    const onlyQ2 = buildRewardTable([queries[1] as BenchmarkQuery], ['a', 'b'], SCENARIOS.performance_first);
    // perf range on q2 alone is [0.5, 1]
    expect(onlyQ2.rows[0]?.cells[0]?.performanceNormalised).toBe(0);
    expect(onlyQ2.rows[0]?.cells[1]?.performanceNormalised).toBe(1);
  });

  it('imputes missing values pessimistically and marks them', () => {
    const withGaps = [
      q('m1', 'T', { a: [1, 0.001], b: [null, 0.001], c: [0.5, null] }),
      q('m2', 'T', { a: [0, 0.003], b: [1, 0.002] }), // c absent here
    ];
    const t = buildRewardTable(withGaps, ['a', 'b', 'c'], SCENARIOS.balance);
    expect(t.rows[0]?.cells[1]).toMatchObject({ performance: 0, performanceNormalised: 0, imputed: true });
    expect(t.rows[0]?.cells[2]).toMatchObject({ costUsd: 0.003, costNormalised: 1, imputed: true });
    expect(t.rows[1]?.cells[2]).toMatchObject({ performance: 0, costUsd: 0.003, imputed: true });
    expect(t.rows[0]?.cells[0]?.imputed).toBe(false);
  });

  it('the judge scenario rewards the judge score; a missing one counts 0', () => {
    const judged = [q('j1', 'T', { a: [1, 0.001, 0.8], b: [1, 0.002, null] })];
    const t = buildRewardTable(judged, ['a', 'b'], SCENARIOS.judge);
    expect(t.rows[0]?.cells[0]?.reward).toBe(0.8);
    expect(t.rows[0]?.cells[1]).toMatchObject({ reward: 0, imputed: true });
  });
});
