import type { TrainingSet } from '../training-set';
import {
  byScoreThenName,
  type Baseline,
  type BaselineRanking,
  type CandidateMeans,
  type PolicyWeights,
} from './baseline';
import { candidateMeans } from './candidate-means';

/**
 * Best single LLM: the one candidate with the highest mean train score under the policy (per-task normalised),
 * used for every query. Chosen per policy at request time from stored means, so one fit serves every scenario.
 */
export class BestSingleBaseline implements Baseline {
  readonly name = 'best_single';

  constructor(readonly means: readonly CandidateMeans[]) {}

  static fit(set: TrainingSet): BestSingleBaseline {
    return new BestSingleBaseline(candidateMeans(set));
  }

  /** The chosen candidate under the weights. */
  choose(weights: PolicyWeights): string {
    return this.rank({ queryId: '', taskName: '' }, weights)[0]!.candidate;
  }

  rank(_query: { queryId: string; taskName: string }, weights: PolicyWeights): BaselineRanking[] {
    return this.means
      .map((m) => ({
        candidate: m.candidate,
        predictedPerformance: m.performance,
        predictedCostUsd: m.costUsd,
        score: weights.alpha * m.normalisedPerformance - weights.beta * m.normalisedCost,
      }))
      .sort(byScoreThenName);
  }
}
