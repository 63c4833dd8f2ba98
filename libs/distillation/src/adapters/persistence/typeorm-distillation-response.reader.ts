import type { DataSource } from 'typeorm';
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

  async listTrainQueries(tenant: string): Promise<SftQueryRef[]> {
    // One row per query, the direct row's text first when there is one.
    const rows = (await this.ds.query(
      `SELECT DISTINCT ON (task_name, query_id) task_name, query_id, query
         FROM distillation_responses
        WHERE tenant = $1 AND split = 'train' AND response IS NOT NULL
        ORDER BY task_name, query_id, (prompt_mode = 'direct') DESC`,
      [tenant],
    )) as { task_name: string; query_id: string; query: string }[];
    return rows.map((r) => ({ taskName: r.task_name, queryId: r.query_id, query: r.query }));
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

  async counts(tenant: string): Promise<{ total: number; train: number }> {
    const rows = (await this.ds.query(
      `SELECT count(*)::int AS total, count(*) FILTER (WHERE split = 'train')::int AS train
         FROM distillation_responses WHERE tenant = $1 AND response IS NOT NULL`,
      [tenant],
    )) as { total: number; train: number }[];
    return { total: Number(rows[0]?.total ?? 0), train: Number(rows[0]?.train ?? 0) };
  }
}
