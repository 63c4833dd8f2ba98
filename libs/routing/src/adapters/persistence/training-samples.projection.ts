import type { EntityManager } from 'typeorm';
import {
  LogRecorded,
  ResponseJudged,
  ResponseScored,
  candidateOf,
  type EventEnvelope,
  type LogRecordedV1,
  type ResponseJudgedV1,
  type ResponseScoredV1,
} from '@fusion/contracts';

export const SAMPLE_EVENT_TYPES: readonly string[] = [
  LogRecorded.type,
  ResponseScored.type,
  ResponseJudged.type,
];

export interface SampleProjectionOptions {
  /** Keep response texts (only needed by the replay backends of the embedded demo). */
  storeResponses: boolean;
}

const CHUNK = 400;

/** TypeORM answers an UPDATE ... RETURNING with `[rows, affected]`, an INSERT/SELECT with the rows. */
export function returnedRows<T>(result: unknown): T[] {
  if (
    Array.isArray(result) &&
    result.length === 2 &&
    Array.isArray(result[0]) &&
    typeof result[1] === 'number'
  ) {
    return result[0] as T[];
  }
  return result as T[];
}

type Row = unknown[];

async function upsert(m: EntityManager, columns: string[], rows: Row[], onConflict: string): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK) {
    const chunk = rows.slice(i, i + CHUNK);
    const params: unknown[] = [];
    const values = chunk.map((row) => {
      const base = params.length;
      params.push(...row);
      return `(${row.map((_, k) => `$${base + k + 1}`).join(',')})`;
    });
    await m.query(
      `INSERT INTO routing_samples (${columns.join(', ')}) VALUES ${values.join(',')} ON CONFLICT (tenant, record_id) DO UPDATE SET ${onConflict}`,
      params,
    );
  }
}

/** Last event per record wins within a batch (one INSERT may not touch a row twice). */
function lastPerRecord<T>(items: { tenant: string; recordId: string; value: T }[]): T[] {
  const map = new Map<string, T>();
  for (const i of items) map.set(`${i.tenant}\u0000${i.recordId}`, i.value);
  return [...map.values()];
}

/**
 * Applies a batch of `LogRecorded`, `ResponseScored` and `ResponseJudged` events to `routing_samples` in the
 * caller's transaction, then counts samples that became scored (performance and query both known) for the first
 * time. Returns the newly scored count per tenant. Order-insensitive: a score that arrives before its record
 * leaves a partial row the record completes, and the record never overwrites a score with null.
 */
export async function applySampleEvents(
  m: EntityManager,
  events: readonly EventEnvelope[],
  options: SampleProjectionOptions,
): Promise<Map<string, number>> {
  const recorded: { tenant: string; recordId: string; value: Row }[] = [];
  const scored: { tenant: string; recordId: string; value: Row }[] = [];
  const judged: { tenant: string; recordId: string; value: Row }[] = [];
  for (const e of events) {
    if (e.type === LogRecorded.type) {
      const r = (e.data as LogRecordedV1).record;
      recorded.push({
        tenant: r.tenant,
        recordId: r.recordId,
        value: [
          r.tenant,
          r.recordId,
          r.queryId,
          r.taskName,
          r.taskDomain,
          r.query,
          candidateOf(r.llm, r.promptMode),
          r.llm,
          r.promptMode,
          options.storeResponses ? r.response : null,
          r.performance,
          r.costUsd,
          r.judgeScore,
          r.inputTokens,
          r.outputTokens,
          r.inputPrice,
          r.outputPrice,
          r.latencyMs,
          r.split,
          e.globalPosition ?? null,
        ],
      });
    } else if (e.type === ResponseScored.type) {
      const d = e.data as ResponseScoredV1;
      if (d.performance === null) continue;
      scored.push({
        tenant: e.tenant,
        recordId: d.recordId,
        value: [
          e.tenant,
          d.recordId,
          d.queryId,
          d.taskName,
          candidateOf(d.llm, d.promptMode),
          d.llm,
          d.promptMode,
          d.performance,
        ],
      });
    } else if (e.type === ResponseJudged.type) {
      const d = e.data as ResponseJudgedV1;
      if (d.status !== 'judged' || d.score === null) continue;
      judged.push({
        tenant: e.tenant,
        recordId: d.recordId,
        value: [e.tenant, d.recordId, d.queryId, d.score],
      });
    }
  }
  await upsert(
    m,
    [
      'tenant',
      'record_id',
      'query_id',
      'task_name',
      'task_domain',
      'query',
      'candidate',
      'llm',
      'prompt_mode',
      'response',
      'performance',
      'cost_usd',
      'judge_score',
      'input_tokens',
      'output_tokens',
      'input_price',
      'output_price',
      'latency_ms',
      'split',
      'source_position',
    ],
    lastPerRecord(recorded),
    `query_id = EXCLUDED.query_id, task_name = EXCLUDED.task_name, task_domain = EXCLUDED.task_domain,
     query = EXCLUDED.query, candidate = EXCLUDED.candidate, llm = EXCLUDED.llm, prompt_mode = EXCLUDED.prompt_mode,
     response = EXCLUDED.response,
     performance = COALESCE(EXCLUDED.performance, routing_samples.performance),
     cost_usd = COALESCE(EXCLUDED.cost_usd, routing_samples.cost_usd),
     judge_score = COALESCE(EXCLUDED.judge_score, routing_samples.judge_score),
     input_tokens = EXCLUDED.input_tokens, output_tokens = EXCLUDED.output_tokens,
     input_price = EXCLUDED.input_price, output_price = EXCLUDED.output_price,
     latency_ms = EXCLUDED.latency_ms, split = EXCLUDED.split,
     source_position = GREATEST(EXCLUDED.source_position, routing_samples.source_position), updated_at = now()`,
  );
  await upsert(
    m,
    ['tenant', 'record_id', 'query_id', 'task_name', 'candidate', 'llm', 'prompt_mode', 'performance'],
    lastPerRecord(scored),
    `performance = EXCLUDED.performance,
     task_name = COALESCE(routing_samples.task_name, EXCLUDED.task_name),
     candidate = COALESCE(routing_samples.candidate, EXCLUDED.candidate),
     llm = COALESCE(routing_samples.llm, EXCLUDED.llm),
     prompt_mode = COALESCE(routing_samples.prompt_mode, EXCLUDED.prompt_mode), updated_at = now()`,
  );
  await upsert(
    m,
    ['tenant', 'record_id', 'query_id', 'judge_score'],
    lastPerRecord(judged),
    `judge_score = EXCLUDED.judge_score, updated_at = now()`,
  );

  const touched = lastPerRecord([...recorded, ...scored, ...judged].map((t) => ({ ...t, value: t })));
  const counts = new Map<string, number>();
  if (touched.length === 0) return counts;
  const rows = returnedRows<{ tenant: string }>(
    await m.query(
      `UPDATE routing_samples s SET scored_counted = true
       FROM unnest($1::text[], $2::text[]) AS k(tenant, record_id)
      WHERE s.tenant = k.tenant AND s.record_id = k.record_id
        AND NOT s.scored_counted AND s.performance IS NOT NULL AND s.query IS NOT NULL
      RETURNING s.tenant`,
      [touched.map((t) => t.tenant), touched.map((t) => t.recordId)],
    ),
  );
  for (const r of rows) counts.set(r.tenant, (counts.get(r.tenant) ?? 0) + 1);
  for (const [tenant, n] of counts) {
    await m.query(
      `INSERT INTO routing_training_counters (tenant, new_scored, total_scored) VALUES ($1, $2, $2)
       ON CONFLICT (tenant) DO UPDATE SET new_scored = routing_training_counters.new_scored + EXCLUDED.new_scored,
         total_scored = routing_training_counters.total_scored + EXCLUDED.total_scored, updated_at = now()`,
      [tenant, n],
    );
  }
  return counts;
}
