import type { EntityManager } from 'typeorm';
import {
  LogRecorded,
  ResponseJudged,
  ResponseScored,
  type EventEnvelope,
  type LogRecordedV1,
  type ResponseJudgedV1,
  type ResponseScoredV1,
} from '@fusion/contracts';
import { stripThinkPhrase } from '../../domain/think-phrase';

const CHUNK = 400;

/** Event types the projection reads. */
export const THOUGHT_PROJECTION_EVENTS: ReadonlySet<string> = new Set([
  LogRecorded.type,
  ResponseScored.type,
  ResponseJudged.type,
]);

function lastByKey<T>(items: readonly T[], key: (t: T) => string): T[] {
  const m = new Map<string, T>();
  for (const i of items) m.set(key(i), i);
  return [...m.values()];
}

async function insertChunks(
  m: EntityManager,
  rows: readonly unknown[][],
  head: string,
  tail: string,
): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK) {
    const params: unknown[] = [];
    const values = rows
      .slice(i, i + CHUNK)
      .map((row) => `(${row.map((v) => `$${params.push(v)}`).join(',')})`);
    await m.query(`${head} VALUES ${values.join(',')} ${tail}`, params);
  }
}

/**
 * Applies a batch of `LogRecorded` / `ResponseScored` / `ResponseJudged` events to `thought_responses`,
 * in the consumer's transaction. Scores from evaluation events win over the ones a log carried, and a score
 * event that arrives before its record leaves a partial row the record completes.
 */
export async function applyThoughtResponseEvents(
  m: EntityManager,
  events: readonly EventEnvelope[],
): Promise<void> {
  const key = (tenant: string, recordId: string): string => `${tenant}\u0000${recordId}`;
  const logs = lastByKey(
    events.filter((e) => e.type === LogRecorded.type) as EventEnvelope<LogRecordedV1>[],
    (e) => key(e.tenant, e.data.record.recordId),
  );
  const scored = lastByKey(
    events.filter((e) => e.type === ResponseScored.type) as EventEnvelope<ResponseScoredV1>[],
    (e) => key(e.tenant, e.data.recordId),
  );
  const judged = lastByKey(
    (events.filter((e) => e.type === ResponseJudged.type) as EventEnvelope<ResponseJudgedV1>[]).filter(
      (e) => e.data.status === 'judged' && e.data.score !== null,
    ),
    (e) => key(e.tenant, e.data.recordId),
  );

  await insertChunks(
    m,
    logs.map(({ tenant, data: { record: r } }) => [
      tenant,
      r.recordId,
      r.queryId,
      r.taskName,
      r.promptMode === 'think' ? stripThinkPhrase(r.query) : r.query,
      r.llm,
      r.promptMode,
      r.response,
      r.performance,
      r.judgeScore,
      r.costUsd,
      r.split,
    ]),
    `INSERT INTO thought_responses AS t
       (tenant, record_id, query_id, task_name, query, llm, prompt_mode, response, performance, judge_score, cost_usd, split)`,
    `ON CONFLICT (tenant, record_id) DO UPDATE SET
       query_id = EXCLUDED.query_id, task_name = EXCLUDED.task_name, query = EXCLUDED.query, llm = EXCLUDED.llm,
       prompt_mode = EXCLUDED.prompt_mode, response = EXCLUDED.response, cost_usd = EXCLUDED.cost_usd,
       split = EXCLUDED.split, performance = COALESCE(t.performance, EXCLUDED.performance),
       judge_score = COALESCE(t.judge_score, EXCLUDED.judge_score), updated_at = now()`,
  );
  await insertChunks(
    m,
    scored.map(({ tenant, data: s }) => [
      tenant,
      s.recordId,
      s.queryId,
      s.taskName,
      s.llm,
      s.promptMode,
      s.performance,
    ]),
    `INSERT INTO thought_responses AS t (tenant, record_id, query_id, task_name, llm, prompt_mode, performance)`,
    `ON CONFLICT (tenant, record_id) DO UPDATE SET performance = COALESCE(EXCLUDED.performance, t.performance), updated_at = now()`,
  );
  await insertChunks(
    m,
    judged.map(({ tenant, data: j }) => [tenant, j.recordId, j.queryId, j.score]),
    `INSERT INTO thought_responses AS t (tenant, record_id, query_id, judge_score)`,
    `ON CONFLICT (tenant, record_id) DO UPDATE SET judge_score = EXCLUDED.judge_score, updated_at = now()`,
  );
}
