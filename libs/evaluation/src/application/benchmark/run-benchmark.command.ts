import type { BenchmarkQuery, StrategyTrainer } from '../../domain/benchmark/strategy';
import type { ScenarioSpec } from '../../domain/benchmark/scenario';
import type { SplitInfo } from '../../domain/benchmark/benchmark-query.builder';

/** Progress of a benchmark run, one event per finished step (training a trainer, ranking a split). */
export interface BenchmarkProgress {
  phase: 'champion_selection' | 'final_evaluation' | 'report';
  trainer: string | null;
  scenario: string | null;
  completed: number;
  total: number;
  message: string;
}

/** Input of `runBenchmark`. */
export interface RunBenchmarkCommand {
  /** Every query with its split; both train and test must occur. */
  queries: readonly BenchmarkQuery[];
  /** Strategies to evaluate; each is trained twice (train minus validation, then full train). */
  trainers: readonly StrategyTrainer[];
  /** Names (`balance`), `custom:a,b` or `{ alpha, beta }`; default performance_first, balance, cost_first (+ judge when judged). */
  scenarios?: readonly ScenarioSpec[];
  /** Seeds the validation slice and the random baseline; default 42. */
  seed?: number;
  /** Share of each task's train queries held out to choose champions; default 0.2. */
  validationFraction?: number;
  onProgress?: (progress: BenchmarkProgress) => void;
  /** Recorded in the report as is. */
  dataset?: { name?: string; split?: SplitInfo; issues?: Record<string, number> };
}
