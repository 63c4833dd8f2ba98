import type { StrategyTrainer } from '../../domain/benchmark/strategy';

/**
 * Port: the strategies `RunBenchmark` can evaluate (routers live in another context; a composition root supplies
 * them). `create` receives only kinds from `kinds`.
 */
export interface StrategyTrainerFactory {
  /** Every kind a request may name. */
  readonly kinds: readonly string[];
  /** What runs when a request names none. */
  readonly defaultKinds: readonly string[];
  create(kinds: readonly string[], options: { seed: number }): StrategyTrainer[];
}
