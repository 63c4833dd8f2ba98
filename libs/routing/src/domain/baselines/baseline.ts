/** Weights of a policy score `alpha · norm(perf) − beta · norm(cost)`. */
export interface PolicyWeights {
  alpha: number;
  beta: number;
}

/** One candidate as a baseline ranks it. */
export interface BaselineRanking {
  candidate: string;
  predictedPerformance: number;
  predictedCostUsd: number;
  score: number;
}

/** A non-learned reference strategy (evaluation baselines): ranks the candidates for one query, best first. */
export interface Baseline {
  readonly name: string;
  rank(query: { queryId: string; taskName: string }, weights: PolicyWeights): BaselineRanking[];
}

/** Per-candidate train means: raw and normalised (per-task train stats), over logged cells. */
export interface CandidateMeans {
  candidate: string;
  performance: number;
  costUsd: number;
  normalisedPerformance: number;
  normalisedCost: number;
}

export function byScoreThenName(a: BaselineRanking, b: BaselineRanking): number {
  return b.score - a.score || (a.candidate < b.candidate ? -1 : a.candidate > b.candidate ? 1 : 0);
}
