import type { TrainingSet } from '../training-set';
import { byScoreThenName, type Baseline, type BaselineRanking, type CandidateMeans } from './baseline';
import { candidateMeans } from './candidate-means';

/** Cheapest LLM: the candidate with the lowest mean train cost, whatever the policy. */
export class CheapestBaseline implements Baseline {
  readonly name = 'cheapest';

  constructor(readonly means: readonly CandidateMeans[]) {}

  static fit(set: TrainingSet): CheapestBaseline {
    return new CheapestBaseline(candidateMeans(set));
  }

  rank(): BaselineRanking[] {
    return this.means
      .map((m) => ({
        candidate: m.candidate,
        predictedPerformance: m.performance,
        predictedCostUsd: m.costUsd,
        score: -m.costUsd,
      }))
      .sort(byScoreThenName);
  }
}
