import type { FusionStrategy, QueryView, RankedPrediction, Scenario } from '@fusion/evaluation';
import { DomainError } from '@fusion/shared/kernel';
import type { Embedder } from '@fusion/shared/llm';
import { rankPrediction, resolvePolicy } from '../../domain/policy';
import type { RouterModel } from '../../domain/router';
import { embedAll } from './benchmark-samples';

/**
 * A trained router as a benchmark strategy: embeds each query, predicts every candidate with the task name as
 * hint, and ranks under the scenario's (alpha, beta). The judge objective uses a router trained on judge scores.
 */
export class RouterStrategy implements FusionStrategy {
  constructor(
    readonly name: string,
    readonly model: RouterModel,
    private readonly embedder: Embedder,
    readonly judgeModel: RouterModel | null = null,
  ) {
    for (const m of [model, judgeModel]) {
      if (m === null) continue;
      if (m.context.dimension !== embedder.dimension) {
        throw DomainError.failedPrecondition(
          `router ${name} expects ${m.context.dimension}-d embeddings, the embedder gives ${embedder.dimension}`,
        );
      }
      if (m.context.embeddingSpace !== null && m.context.embeddingSpace !== embedder.id) {
        throw DomainError.failedPrecondition(
          `router ${name} was trained in embedding space ${m.context.embeddingSpace}, not ${embedder.id}`,
        );
      }
    }
  }

  async rankBatch(queries: readonly QueryView[], scenario: Scenario): Promise<RankedPrediction[][]> {
    const judge = scenario.objective === 'judge';
    const model = judge ? this.judgeModel : this.model;
    if (model === null) {
      throw DomainError.failedPrecondition(
        `strategy ${this.name} has no judge model: the training log has no judge scores`,
      );
    }
    const policy = resolvePolicy(
      judge ? { alpha: 1, beta: 0 } : { alpha: scenario.alpha, beta: scenario.beta },
      model.context.candidates,
    );
    const vectors = await embedAll(
      this.embedder,
      queries.map((q) => q.query),
    );
    return queries.map((q, i) => {
      const prediction = model.predict(vectors[i]!, q.taskName, q.query.length);
      const decision = rankPrediction(prediction, model.context.stats[prediction.taskIndex]!, policy);
      return decision.ranked.map((r) => ({
        candidate: r.candidate,
        predictedPerformance: r.predictedPerformance,
        predictedCostUsd: r.predictedCostUsd,
        score: r.score,
      }));
    });
  }
}
