import type { DataSource, EntityManager } from 'typeorm';
import {
  LogRecorded,
  ResponseJudged,
  ResponseScored,
  type EventEnvelope,
  type LogRecord,
  type LogRecordedV1,
  type ResponseJudgedV1,
  type ResponseScoredV1,
} from '@fusion/contracts';

const CHUNK = 400;

/** Events a scored-response read model reads. */
export const SCORED_RESPONSE_EVENTS: ReadonlySet<string> = new Set([
  LogRecorded.type,
  ResponseScored.type,
  ResponseJudged.type,
]);

/** A context's own table of responses with their latest scores (thought and distillation keep one each). */
export interface ScoredResponseTable {
  /** Table with at least: tenant, record_id, query_id, task_name, query, llm, prompt_mode, response, performance,
   *  judge_score, cost_usd, split, updated_at; unique on (tenant, record_id). */
  table: string;
  /** Extra record columns the context keeps. */
  extraColumns?: readonly { column: string; value: (r: LogRecord) => unknown }[];
  /** The query text stored (default: as logged). */
  queryOf?: (r: LogRecord) => string;
}

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
 * Applies a batch of `LogRecorded` / `ResponseScored` / `ResponseJudged` events to a scored-response table, in the
 * consumer's transaction. Scores from evaluation events win over the ones a log carried, and a score event that
 * arrives before its record leaves a partial row the record completes.
 */
export async function applyScoredResponseEvents(
  m: EntityManager,
  events: readonly EventEnvelope[],
  spec: ScoredResponseTable,
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
  const extra = spec.extraColumns ?? [];
  const queryOf = spec.queryOf ?? ((r: LogRecord) => r.query);
  const columns = [
    'tenant',
    'record_id',
    'query_id',
    'task_name',
    'query',
    'llm',
    'prompt_mode',
    'response',
    'performance',
    'judge_score',
    'cost_usd',
    'split',
    ...extra.map((c) => c.column),
  ];
  const updated = columns
    .filter((c) => !['tenant', 'record_id', 'performance', 'judge_score'].includes(c))
    .map((c) => `${c} = EXCLUDED.${c}`);
  await insertChunks(
    m,
    logs.map(({ tenant, data: { record: r } }) => [
      tenant,
      r.recordId,
      r.queryId,
      r.taskName,
      queryOf(r),
      r.llm,
      r.promptMode,
      r.response,
      r.performance,
      r.judgeScore,
      r.costUsd,
      r.split,
      ...extra.map((c) => c.value(r)),
    ]),
    `INSERT INTO ${spec.table} AS t (${columns.join(', ')})`,
    `ON CONFLICT (tenant, record_id) DO UPDATE SET ${updated.join(', ')},
       performance = COALESCE(t.performance, EXCLUDED.performance),
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
    `INSERT INTO ${spec.table} AS t (tenant, record_id, query_id, task_name, llm, prompt_mode, performance)`,
    `ON CONFLICT (tenant, record_id) DO UPDATE SET performance = COALESCE(EXCLUDED.performance, t.performance), updated_at = now()`,
  );
  await insertChunks(
    m,
    judged.map(({ tenant, data: j }) => [tenant, j.recordId, j.queryId, j.score]),
    `INSERT INTO ${spec.table} AS t (tenant, record_id, query_id, judge_score)`,
    `ON CONFLICT (tenant, record_id) DO UPDATE SET judge_score = EXCLUDED.judge_score, updated_at = now()`,
  );
}

/** One logged query of a scored-response table's train split. */
export interface ScoredTrainQuery {
  taskName: string;
  queryId: string;
  query: string;
}

/**
 * The train split's queries in a scored-response table, one row per query (the direct row's text first when there
 * is one), only those with a response (`nonEmptyResponse`: and not an empty one).
 */
export async function listScoredTrainQueries(
  ds: DataSource,
  table: string,
  tenant: string,
  opts: { nonEmptyResponse?: boolean } = {},
): Promise<ScoredTrainQuery[]> {
  const rows = (await ds.query(
    `SELECT DISTINCT ON (task_name, query_id) task_name, query_id, query
       FROM ${table}
      WHERE tenant = $1 AND split = 'train' AND response IS NOT NULL${opts.nonEmptyResponse ? ` AND response <> ''` : ''}
      ORDER BY task_name, query_id, (prompt_mode = 'direct') DESC`,
    [tenant],
  )) as { task_name: string; query_id: string; query: string }[];
  return rows.map((r) => ({ taskName: r.task_name, queryId: r.query_id, query: r.query }));
}

/** Responses in a scored-response table: all of the tenant's, and those of the train split. */
export async function countScoredResponses(
  ds: DataSource,
  table: string,
  tenant: string,
): Promise<{ total: number; train: number }> {
  const rows = (await ds.query(
    `SELECT count(*)::int AS total, count(*) FILTER (WHERE split = 'train')::int AS train
       FROM ${table} WHERE tenant = $1 AND response IS NOT NULL`,
    [tenant],
  )) as { total: number; train: number }[];
  return { total: Number(rows[0]?.total ?? 0), train: Number(rows[0]?.train ?? 0) };
}
