import { minMax, type TrainingSet } from '../training-set';
import type { CandidateMeans } from './baseline';

/** Mean raw and per-task-normalised performance and cost of each candidate over the set's logged cells. */
export function candidateMeans(set: TrainingSet): CandidateMeans[] {
  const C = set.candidates.length;
  return set.candidates.map((candidate, c) => {
    let p = 0;
    let np = 0;
    let pn = 0;
    let k = 0;
    let nk = 0;
    let kn = 0;
    for (let q = 0; q < set.queryTask.length; q++) {
      const s = set.stats[set.queryTask[q]!]!;
      const perf = set.performance[q * C + c]!;
      const cost = set.costUsd[q * C + c]!;
      if (!Number.isNaN(perf)) {
        p += perf;
        np += minMax(perf, s.perfMin, s.perfMax);
        pn++;
      }
      if (!Number.isNaN(cost)) {
        k += cost;
        nk += minMax(cost, s.costMin, s.costMax);
        kn++;
      }
    }
    return {
      candidate,
      performance: pn > 0 ? p / pn : 0,
      costUsd: kn > 0 ? k / kn : 0,
      // A candidate never logged ranks last under any policy.
      normalisedPerformance: pn > 0 ? np / pn : 0,
      normalisedCost: kn > 0 ? nk / kn : 1,
    };
  });
}
