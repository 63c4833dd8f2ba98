/**
 * The contract between the benchmark harness and whatever it evaluates (routers, baselines).
 * Pure data: the harness never knows how a strategy works, a strategy never sees test outcomes.
 */

/** What one candidate (an LLM in one prompt mode, e.g. `gpt-4` or `gpt-4:think`) scored on one query. */
export interface CandidateOutcome {
  candidate: string;
  /** Task metric in [0, 1]; null when the log has none. */
  performance: number | null;
  costUsd: number | null;
  /** LLM-judge score in [0, 1]; null when not judged. */
  judgeScore: number | null;
}

/** The query as a strategy may see it (no outcomes). */
export interface QueryView {
  queryId: string;
  taskName: string;
  taskDomain: string;
  query: string;
}

/** One query with every candidate's logged outcome. */
export interface BenchmarkQuery extends QueryView {
  split: 'train' | 'test';
  outcomes: CandidateOutcome[];
}

/**
 * A routing policy: reward = alpha * normPerf - beta * normCost (per-task min-max normalised),
 * or, for objective `judge`, the judge score.
 */
export interface Scenario {
  name: string;
  alpha: number;
  beta: number;
  objective: 'performance' | 'judge';
}

export const SCENARIOS: Record<'performance_first' | 'balance' | 'cost_first' | 'judge', Scenario> = {
  performance_first: { name: 'performance_first', alpha: 1, beta: 0, objective: 'performance' },
  balance: { name: 'balance', alpha: 0.5, beta: 0.5, objective: 'performance' },
  cost_first: { name: 'cost_first', alpha: 0.2, beta: 0.8, objective: 'performance' },
  judge: { name: 'judge', alpha: 1, beta: 0, objective: 'judge' },
};

/** One candidate as a strategy ranks it, best first. */
export interface RankedPrediction {
  candidate: string;
  predictedPerformance: number;
  predictedCostUsd: number;
  /** The strategy's own score under the scenario (higher is better). */
  score: number;
}

/** A trained strategy. `rankBatch` returns one best-first list per query, in input order. */
export interface FusionStrategy {
  readonly name: string;
  rankBatch(queries: readonly QueryView[], scenario: Scenario): Promise<RankedPrediction[][]>;
}

/** Trains a strategy from train-split queries (outcomes visible). */
export interface StrategyTrainer {
  readonly name: string;
  train(train: readonly BenchmarkQuery[]): Promise<FusionStrategy>;
}
