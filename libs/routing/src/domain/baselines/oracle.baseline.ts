import { DomainError } from '@fusion/shared/kernel';
import { realisedReward } from '../router-evaluation';
import type { TrainingSet } from '../training-set';
import { byScoreThenName, type Baseline, type BaselineRanking, type PolicyWeights } from './baseline';

/**
 * Oracle (evaluation only: it reads the outcomes it is scored on): ranks by the realised reward, normalised with
 * the stats of the set it was given (e.g. the test split). An upper bound, never a router.
 */
export class OracleBaseline implements Baseline {
  readonly name = 'oracle';
  private readonly rowOf: Map<string, number>;

  constructor(private readonly outcomes: TrainingSet) {
    this.rowOf = new Map(outcomes.queryIds.map((q, i) => [q, i]));
  }

  rank(query: { queryId: string }, weights: PolicyWeights): BaselineRanking[] {
    const q = this.rowOf.get(query.queryId);
    if (q === undefined) throw DomainError.notFound(`outcomes of query ${query.queryId}`);
    const set = this.outcomes;
    const C = set.candidates.length;
    const stats = set.stats[set.queryTask[q]!]!;
    return set.candidates
      .map((candidate, c) => {
        const perf = set.performance[q * C + c]!;
        const cost = set.costUsd[q * C + c]!;
        return {
          candidate,
          predictedPerformance: Number.isNaN(perf) ? 0 : perf,
          predictedCostUsd: Number.isNaN(cost) ? 0 : cost,
          score: realisedReward(stats, perf, cost, weights),
        };
      })
      .sort(byScoreThenName);
  }
}
