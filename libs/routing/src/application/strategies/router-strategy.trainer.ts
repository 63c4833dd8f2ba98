import type { BenchmarkQuery, FusionStrategy, StrategyTrainer } from '@fusion/evaluation';
import { parseCandidate } from '@fusion/contracts';
import { DomainError } from '@fusion/shared/kernel';
import { HashedNgramEmbedder, type Embedder } from '@fusion/shared/llm';
import type { RouterKind } from '../../domain/router';
import { trainRouter } from '../../domain/router-registry';
import {
  buildTrainingSet,
  observedCells,
  withJudgeObjective,
  type TrainingSet,
} from '../../domain/training-set';
import { embedAll, embedQueries, samplesFromBenchmark } from './benchmark-samples';
import { RouterStrategy } from './router.strategy';

export interface RouterTrainerOptions {
  kind: RouterKind;
  /** Defaults to the hashed n-gram embedder (256-d). */
  embedder?: Embedder;
  hyperparams?: Record<string, number>;
  seed?: number;
  /** Strategy name; defaults to the kind. */
  name?: string;
  /** Descriptor text per candidate for the graph router (embedded); default "<llm> <prompt mode>". */
  descriptions?: Readonly<Record<string, string>>;
}

/** Trains one router kind on the harness's train split (and a judge-score router when the log has judge scores). */
export class RouterStrategyTrainer implements StrategyTrainer {
  readonly name: string;
  private readonly embedder: Embedder;

  constructor(private readonly options: RouterTrainerOptions) {
    this.name = options.name ?? options.kind;
    this.embedder = options.embedder ?? new HashedNgramEmbedder();
  }

  async train(train: readonly BenchmarkQuery[]): Promise<FusionStrategy> {
    if (train.length === 0) throw DomainError.invalidArgument('train', 'no training queries');
    const set = await buildBenchmarkTrainingSet(train, this.embedder, this.options.descriptions);
    const seed = this.options.seed ?? 0;
    const model = trainRouter(this.options.kind, set, this.options.hyperparams, seed);
    const judgeSet = withJudgeObjective(set);
    const judgeModel =
      observedCells(judgeSet) > 0
        ? trainRouter(this.options.kind, judgeSet, this.options.hyperparams, seed)
        : null;
    return new RouterStrategy(this.name, model, this.embedder, judgeModel);
  }
}

/** Builds the routing training set from harness queries: query embeddings plus embedded candidate descriptors. */
export async function buildBenchmarkTrainingSet(
  queries: readonly BenchmarkQuery[],
  embedder: Embedder,
  descriptions: Readonly<Record<string, string>> = {},
): Promise<TrainingSet> {
  const samples = samplesFromBenchmark(queries);
  const vectors = await embedQueries(embedder, queries);
  const candidates = [...new Set(samples.map((s) => s.candidate))].sort();
  const texts = candidates.map((c) => {
    const { llm, promptMode } = parseCandidate(c);
    return descriptions[c] ?? `${llm} ${promptMode}`;
  });
  const descriptorVectors = await embedAll(embedder, texts);
  return buildTrainingSet(samples, (id) => vectors.get(id), {
    embeddingSpace: embedder.id,
    descriptors: new Map(candidates.map((c, i) => [c, descriptorVectors[i]!])),
  });
}
