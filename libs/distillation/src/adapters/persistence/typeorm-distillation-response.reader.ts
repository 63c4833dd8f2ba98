import type { DataSource } from 'typeorm';
import { countScoredResponses, listScoredTrainQueries } from '@fusion/shared/event-store';
import type { PromptMode } from '@fusion/contracts';
import type { DistillationResponse } from '../../domain/distillation-response';
import type { SftQueryRef } from '../../domain/sft-dataset.builder';
import type { DistillationResponseReader } from '../../application/ports/distillation-response-reader.port';

interface Row {
  record_id: string;
  query_id: string;
  task_name: string;
  query: string;
  llm: string;
  prompt_mode: PromptMode;
  response: string;
  ground_truth: string | null;
  metric: string | null;
  performance: number | null;
  judge_score: number | null;
  output_tokens: string | number | null;
}

const num = (v: string | number | null): number | null => (v === null ? null : Number(v));

/** Reads `distillation_responses`. */
export class TypeOrmDistillationResponseReader implements DistillationResponseReader {
  constructor(private readonly ds: DataSource) {}

  listTrainQueries(tenant: string): Promise<SftQueryRef[]> {
    return listScoredTrainQueries(this.ds, 'distillation_responses', tenant);
  }

  async listTrainResponses(tenant: string, queryIds: readonly string[]): Promise<DistillationResponse[]> {
    if (queryIds.length === 0) return [];
    const rows = (await this.ds.query(
      `SELECT record_id, query_id, task_name, query, llm, prompt_mode, response, ground_truth, metric, performance,
              judge_score, output_tokens
         FROM distillation_responses
        WHERE tenant = $1 AND query_id = ANY($2) AND split = 'train' AND response IS NOT NULL
        ORDER BY task_name, query_id, record_id`,
      [tenant, [...queryIds]],
    )) as Row[];
    return rows.map((r) => ({
      recordId: r.record_id,
      queryId: r.query_id,
      taskName: r.task_name,
      query: r.query,
      llm: r.llm,
      promptMode: r.prompt_mode,
      response: r.response,
      groundTruth: r.ground_truth,
      metric: r.metric,
      performance: num(r.performance),
      judgeScore: num(r.judge_score),
      outputTokens: num(r.output_tokens),
    }));
  }

  counts(tenant: string): Promise<{ total: number; train: number }> {
    return countScoredResponses(this.ds, 'distillation_responses', tenant);
  }
}
