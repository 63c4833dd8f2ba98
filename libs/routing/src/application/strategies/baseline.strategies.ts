import type {
  BenchmarkQuery,
  FusionStrategy,
  QueryView,
  RankedPrediction,
  Scenario,
  StrategyTrainer,
} from '@fusion/evaluation';
import { DomainError } from '@fusion/shared/kernel';
import type { Baseline } from '../../domain/baselines/baseline';
import { BestSingleBaseline } from '../../domain/baselines/best-single.baseline';
import { CheapestBaseline } from '../../domain/baselines/cheapest.baseline';
import { OracleBaseline } from '../../domain/baselines/oracle.baseline';
import { RandomBaseline } from '../../domain/baselines/random.baseline';
import {
  buildTrainingSet,
  observedCells,
  withJudgeObjective,
  type TrainingSet,
} from '../../domain/training-set';
import { samplesFromBenchmark } from './benchmark-samples';

// Baselines never look at the text: a constant 1-d embedding satisfies the training-set builder.
const NO_EMBEDDING = Float32Array.from([1]);

function outcomeSet(queries: readonly BenchmarkQuery[]): TrainingSet {
  return buildTrainingSet(samplesFromBenchmark(queries), () => NO_EMBEDDING);
}

/** A baseline as a strategy; the judge objective uses the baseline fitted on judge scores. */
export class BaselineStrategy implements FusionStrategy {
  constructor(
    readonly name: string,
    private readonly baseline: Baseline,
    private readonly judgeBaseline: Baseline | null,
  ) {}

  async rankBatch(queries: readonly QueryView[], scenario: Scenario): Promise<RankedPrediction[][]> {
    const judge = scenario.objective === 'judge';
    const b = judge ? this.judgeBaseline : this.baseline;
    if (b === null)
      throw DomainError.failedPrecondition(`strategy ${this.name} has no judge scores to rank by`);
    const weights = judge ? { alpha: 1, beta: 0 } : { alpha: scenario.alpha, beta: scenario.beta };
    return queries.map((q) => b.rank({ queryId: q.queryId, taskName: q.taskName }, weights));
  }
}

function judgeVariant(set: TrainingSet, make: (s: TrainingSet) => Baseline): Baseline | null {
  const judgeSet = withJudgeObjective(set);
  return observedCells(judgeSet) > 0 ? make(judgeSet) : null;
}

/** Best single LLM, chosen on train per scenario. */
export class BestSingleStrategyTrainer implements StrategyTrainer {
  readonly name = 'best_single';
  async train(train: readonly BenchmarkQuery[]): Promise<FusionStrategy> {
    const set = outcomeSet(train);
    return new BaselineStrategy(
      this.name,
      BestSingleBaseline.fit(set),
      judgeVariant(set, (s) => BestSingleBaseline.fit(s)),
    );
  }
}

/** The cheapest LLM on train, whatever the scenario. */
export class CheapestStrategyTrainer implements StrategyTrainer {
  readonly name = 'cheapest';
  async train(train: readonly BenchmarkQuery[]): Promise<FusionStrategy> {
    const b = CheapestBaseline.fit(outcomeSet(train));
    return new BaselineStrategy(this.name, b, b);
  }
}

/** A seeded random order per query. */
export class RandomStrategyTrainer implements StrategyTrainer {
  readonly name = 'random';
  constructor(private readonly seed = 0) {}
  async train(train: readonly BenchmarkQuery[]): Promise<FusionStrategy> {
    const candidates = [...new Set(train.flatMap((q) => q.outcomes.map((o) => o.candidate)))].sort();
    const b = new RandomBaseline(candidates, this.seed);
    return new BaselineStrategy(this.name, b, b);
  }
}

/**
 * The oracle: evaluation only. It is given the queries it will be asked about, outcomes included (e.g. the test
 * split), and ranks by the realised reward normalised over them; the train split is ignored.
 */
export class OracleStrategyTrainer implements StrategyTrainer {
  readonly name = 'oracle';
  constructor(private readonly evaluated: readonly BenchmarkQuery[]) {}
  async train(): Promise<FusionStrategy> {
    const set = outcomeSet(this.evaluated);
    return new BaselineStrategy(
      this.name,
      new OracleBaseline(set),
      judgeVariant(set, (s) => new OracleBaseline(s)),
    );
  }
}
