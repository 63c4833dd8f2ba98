import { DomainError } from '@fusion/shared/kernel';
import type { PolicyWeights } from './baselines/baseline';
import { rankPrediction, resolvePolicy } from './policy';
import type { RouterModel } from './router';
import { minMax, type TaskNormStats, type TrainingSet } from './training-set';

/** Mean outcome of one strategy's choices over a set's queries. */
export interface RewardSummary {
  queries: number;
  meanReward: number;
  meanNormalisedPerformance: number;
  meanNormalisedCost: number;
  /** How often each candidate was chosen. */
  choices: Record<string, number>;
}

/**
 * The reward a choice actually earned: alpha · norm(perf) − beta · norm(cost) with the evaluated set's per-task
 * stats. An unlogged performance counts as normalised 0 and an unlogged cost as normalised 1 (the worst), so a
 * strategy gains nothing by choosing cells the log has no outcome for.
 */
export function realisedReward(
  stats: TaskNormStats,
  perf: number,
  cost: number,
  weights: PolicyWeights,
): number {
  const np = Number.isNaN(perf) ? 0 : minMax(perf, stats.perfMin, stats.perfMax);
  const nc = Number.isNaN(cost) ? 1 : minMax(cost, stats.costMin, stats.costMax);
  return weights.alpha * np - weights.beta * nc;
}

/** Scores one chosen candidate per query (in the set's query order) against the set's logged outcomes. */
export function evaluateChoices(
  set: TrainingSet,
  chosen: readonly string[],
  weights: PolicyWeights,
): RewardSummary {
  if (chosen.length !== set.queryIds.length) {
    throw DomainError.invalidArgument(
      'chosen',
      `expected ${set.queryIds.length} choices, got ${chosen.length}`,
    );
  }
  const C = set.candidates.length;
  const index = new Map(set.candidates.map((c, i) => [c, i]));
  const choices: Record<string, number> = {};
  let reward = 0;
  let perf = 0;
  let cost = 0;
  chosen.forEach((candidate, q) => {
    const c = index.get(candidate);
    const stats = set.stats[set.queryTask[q]!]!;
    const p = c === undefined ? NaN : set.performance[q * C + c]!;
    const k = c === undefined ? NaN : set.costUsd[q * C + c]!;
    reward += realisedReward(stats, p, k, weights);
    perf += Number.isNaN(p) ? 0 : minMax(p, stats.perfMin, stats.perfMax);
    cost += Number.isNaN(k) ? 1 : minMax(k, stats.costMin, stats.costMax);
    choices[candidate] = (choices[candidate] ?? 0) + 1;
  });
  const n = Math.max(1, chosen.length);
  return {
    queries: chosen.length,
    meanReward: reward / n,
    meanNormalisedPerformance: perf / n,
    meanNormalisedCost: cost / n,
    choices,
  };
}

/** The router's top choice for every query of the set under the weights (task names given as hints). */
export function routerChoices(
  model: RouterModel,
  set: TrainingSet,
  weights: PolicyWeights,
  useTaskHints = true,
): string[] {
  const D = set.dimension;
  const policy = resolvePolicy({ alpha: weights.alpha, beta: weights.beta }, model.context.candidates);
  return set.queryIds.map((_, q) => {
    const t = set.queryTask[q]!;
    const prediction = model.predict(
      set.embeddings.subarray(q * D, (q + 1) * D),
      useTaskHints ? set.tasks[t] : undefined,
      set.queryLength[q],
    );
    return rankPrediction(prediction, model.context.stats[prediction.taskIndex]!, policy).chosen.candidate;
  });
}
