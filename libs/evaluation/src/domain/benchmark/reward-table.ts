import type { BenchmarkQuery, CandidateOutcome, Scenario } from './strategy';
import { computeTaskNormalisation, minMaxNormalise, type TaskNormalisation } from './task-normalisation';

/** Rewards closer than this are ties (floating noise must not split an exact tie). */
export const REWARD_TIE_EPSILON = 1e-9;

/** One candidate's outcome on one query, as scored: missing values already imputed pessimistically. */
export interface RewardCell {
  performance: number;
  performanceNormalised: number;
  costUsd: number;
  costNormalised: number;
  /** Judge score; 0 when missing (as the paper stores judge failures). */
  judgeScore: number;
  reward: number;
  /** True when performance, cost or (for a judge scenario) the judge score was missing and imputed. */
  imputed: boolean;
}

export interface RewardRow {
  query: BenchmarkQuery;
  cells: RewardCell[];
  bestReward: number;
  /** First candidate (in candidate order) with the maximum reward: the oracle's pick. */
  best: number;
  /** Every candidate whose reward ties the maximum: the relevant ones for ranking metrics. */
  relevant: ReadonlySet<number>;
}

/** Every query of one evaluated split x every candidate, scored under one scenario. */
export interface RewardTable {
  scenario: Scenario;
  candidates: readonly string[];
  candidateIndex: ReadonlyMap<string, number>;
  rows: RewardRow[];
  normalisation: ReadonlyMap<string, TaskNormalisation>;
}

/** The scenario reward of normalised values: alpha * perf - beta * cost, or the judge score. */
export function scenarioReward(
  scenario: Scenario,
  performanceNormalised: number,
  costNormalised: number,
  judgeScore: number,
): number {
  return scenario.objective === 'judge'
    ? judgeScore
    : scenario.alpha * performanceNormalised - scenario.beta * costNormalised;
}

/**
 * Scores `queries` (one evaluated split) under `scenario`, normalising per task over those queries only.
 * A missing performance counts as the task minimum, a missing cost as the task maximum, a missing judge score as 0,
 * and a candidate absent from a query as all three: a choice without a logged outcome earns no credit.
 */
export function buildRewardTable(
  queries: readonly BenchmarkQuery[],
  candidates: readonly string[],
  scenario: Scenario,
): RewardTable {
  const normalisation = computeTaskNormalisation(queries);
  const candidateIndex = new Map(candidates.map((c, i) => [c, i]));
  const rows = queries.map((query): RewardRow => {
    const norm = normalisation.get(query.taskName) ?? {
      performance: { min: 0, max: 0 },
      cost: { min: 0, max: 0 },
    };
    const byCandidate = new Map<string, CandidateOutcome>(query.outcomes.map((o) => [o.candidate, o]));
    const cells = candidates.map((c): RewardCell => {
      const o = byCandidate.get(c);
      const perf = o?.performance ?? null;
      const cost = o?.costUsd ?? null;
      const judge = o?.judgeScore ?? null;
      const performance = perf ?? norm.performance.min;
      const costUsd = cost ?? norm.cost.max;
      const performanceNormalised = minMaxNormalise(performance, norm.performance);
      const costNormalised = minMaxNormalise(costUsd, norm.cost);
      const judgeScore = judge ?? 0;
      return {
        performance,
        performanceNormalised,
        costUsd,
        costNormalised,
        judgeScore,
        reward: scenarioReward(scenario, performanceNormalised, costNormalised, judgeScore),
        imputed: perf === null || cost === null || (scenario.objective === 'judge' && judge === null),
      };
    });
    let best = 0;
    cells.forEach((cell, i) => {
      if (cell.reward > (cells[best]?.reward ?? -Infinity) + REWARD_TIE_EPSILON) best = i;
    });
    const bestReward = cells[best]?.reward ?? 0;
    const relevant = new Set<number>();
    cells.forEach((cell, i) => {
      if (cell.reward >= bestReward - REWARD_TIE_EPSILON) relevant.add(i);
    });
    return { query, cells, best, bestReward, relevant };
  });
  return { scenario, candidates, candidateIndex, rows, normalisation };
}
