import type { LogRecord } from '@fusion/contracts';

/**
 * The canonical JSONL format: one JSON object per line, snake_case fields in this order.
 * Only `query`, `llm` and one of `performance` / `judge_score` are required on import; everything else has a
 * default (see the log-record validator). Scores are in [0, 1], prices USD per 1M tokens, cost USD,
 * `created_at` ISO-8601, `prompt_mode` `direct` | `think`, `split` `train` | `test` | null.
 * camelCase keys (the `LogRecord` spelling) are accepted on import too.
 */
export const CANONICAL_FIELDS = [
  'record_id',
  'tenant',
  'task_name',
  'task_domain',
  'query_id',
  'query',
  'prompt_mode',
  'llm',
  'response',
  'ground_truth',
  'metric',
  'performance',
  'judge_score',
  'input_tokens',
  'output_tokens',
  'input_price',
  'output_price',
  'cost_usd',
  'latency_ms',
  'split',
  'created_at',
  'metadata',
] as const;

export type CanonicalField = (typeof CANONICAL_FIELDS)[number];

/** Canonical field -> `LogRecord` property. */
export const CANONICAL_TO_RECORD_KEY: Readonly<Record<CanonicalField, keyof LogRecord>> = {
  record_id: 'recordId',
  tenant: 'tenant',
  task_name: 'taskName',
  task_domain: 'taskDomain',
  query_id: 'queryId',
  query: 'query',
  prompt_mode: 'promptMode',
  llm: 'llm',
  response: 'response',
  ground_truth: 'groundTruth',
  metric: 'metric',
  performance: 'performance',
  judge_score: 'judgeScore',
  input_tokens: 'inputTokens',
  output_tokens: 'outputTokens',
  input_price: 'inputPrice',
  output_price: 'outputPrice',
  cost_usd: 'costUsd',
  latency_ms: 'latencyMs',
  split: 'split',
  created_at: 'createdAt',
  metadata: 'metadata',
};

export type CanonicalLogRecord = { [F in CanonicalField]: LogRecord[(typeof CANONICAL_TO_RECORD_KEY)[F]] };

/** A record in the canonical snake_case shape, fields in canonical order. */
export function toCanonicalRecord(record: LogRecord): CanonicalLogRecord {
  const out: Record<string, unknown> = {};
  for (const field of CANONICAL_FIELDS) out[field] = record[CANONICAL_TO_RECORD_KEY[field]];
  return out as CanonicalLogRecord;
}

/** One canonical JSONL line (without the newline). */
export function toCanonicalJsonLine(record: LogRecord): string {
  return JSON.stringify(toCanonicalRecord(record));
}
