import { parseCandidate } from '@fusion/contracts';
import type { BackendPrices } from '../backends/backend-config';

export interface LogBackInput {
  tenant: string;
  requestId: string;
  candidate: string;
  query: string;
  response: string;
  taskName: string | null;
  taskDomain: string | null;
  inputTokens: number;
  outputTokens: number;
  prices: BackendPrices;
  costUsd: number;
  latencyMs: number;
  createdAt: string;
  metadata: Record<string, unknown>;
}

/** The record id of an executed request's log-back: the request id plus the candidate that served it. */
export function logBackRecordId(requestId: string, candidate: string): string {
  return `${requestId}:${candidate}`;
}

/**
 * An executed request as a canonical (snake_case) log record for ingestion: the live traffic becomes new log, so
 * once it is scored (evaluation or a judge) the next training learns from it. It carries no score of its own.
 */
export function logBackRecord(input: LogBackInput): Record<string, unknown> {
  const { llm, promptMode } = parseCandidate(input.candidate);
  return {
    record_id: logBackRecordId(input.requestId, input.candidate),
    tenant: input.tenant,
    ...(input.taskName ? { task_name: input.taskName } : {}),
    ...(input.taskDomain ? { task_domain: input.taskDomain } : {}),
    query: input.query,
    prompt_mode: promptMode,
    llm,
    response: input.response,
    performance: null,
    judge_score: null,
    input_tokens: input.inputTokens,
    output_tokens: input.outputTokens,
    input_price: input.prices.inputPerMillionTokens,
    output_price: input.prices.outputPerMillionTokens,
    cost_usd: input.costUsd,
    latency_ms: Math.round(input.latencyMs * 1000) / 1000,
    split: null,
    created_at: input.createdAt,
    metadata: { source: 'routing', request_id: input.requestId, ...input.metadata },
  };
}
