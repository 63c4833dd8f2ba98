import type { DataSource } from 'typeorm';
import { countScoredResponses, listScoredTrainQueries } from '@fusion/shared/event-store';
import type { PromptMode } from '@fusion/contracts';
import type { QueryRef } from '../../domain/query-groups';
import type { ThoughtResponse } from '../../domain/thought-response';
import type { ThoughtResponseReader } from '../../application/ports/thought-response-reader.port';

interface Row {
  record_id: string;
  query_id: string;
  task_name: string;
  query: string;
  llm: string;
  prompt_mode: PromptMode;
  response: string;
  performance: number | null;
  judge_score: number | null;
  cost_usd: number | null;
}

const CHUNK = 500;

/** Reads `thought_responses`. */
export class TypeOrmThoughtResponseReader implements ThoughtResponseReader {
  constructor(private readonly ds: DataSource) {}

  listTrainQueries(tenant: string): Promise<QueryRef[]> {
    return listScoredTrainQueries(this.ds, 'thought_responses', tenant, { nonEmptyResponse: true });
  }

  async listTrainResponses(tenant: string, queryIds: readonly string[]): Promise<ThoughtResponse[]> {
    const rows: Row[] = [];
    for (let i = 0; i < queryIds.length; i += CHUNK) {
      rows.push(
        ...((await this.ds.query(
          `SELECT record_id, query_id, task_name, query, llm, prompt_mode, response, performance, judge_score, cost_usd
             FROM thought_responses
            WHERE tenant = $1 AND query_id = ANY($2) AND split = 'train' AND response IS NOT NULL AND response <> ''
            ORDER BY task_name, query_id, record_id`,
          [tenant, queryIds.slice(i, i + CHUNK)],
        )) as Row[]),
      );
    }
    return rows.map((r) => ({
      recordId: r.record_id,
      queryId: r.query_id,
      taskName: r.task_name,
      query: r.query,
      llm: r.llm,
      promptMode: r.prompt_mode,
      response: r.response,
      performance: r.performance === null ? null : Number(r.performance),
      judgeScore: r.judge_score === null ? null : Number(r.judge_score),
      costUsd: r.cost_usd === null ? null : Number(r.cost_usd),
    }));
  }

  counts(tenant: string): Promise<{ total: number; train: number }> {
    return countScoredResponses(this.ds, 'thought_responses', tenant);
  }
}
