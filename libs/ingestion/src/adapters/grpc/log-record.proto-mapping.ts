import type { LogRecord } from '@fusion/contracts';
import type { commonV1 } from '@fusion/contracts/grpc';

const OPTIONAL_STRINGS = [
  'recordId',
  'tenant',
  'taskName',
  'taskDomain',
  'queryId',
  'promptMode',
  'split',
  'createdAt',
] as const;
const OPTIONAL_VALUES = [
  'groundTruth',
  'metric',
  'performance',
  'judgeScore',
  'inputTokens',
  'outputTokens',
  'inputPrice',
  'outputPrice',
  'costUsd',
  'latencyMs',
] as const;

/**
 * A proto `LogRecord` (proto-loader: camelCase, defaults filled, `optional` fields undefined when unset) as the loose
 * input the validator takes: proto3 cannot tell "" from unset, so empty optional strings mean "not given".
 */
export function protoToLooseRecord(msg: Partial<commonV1.LogRecord> | null | undefined): unknown {
  if (!msg || typeof msg !== 'object') return msg;
  const out: Record<string, unknown> = {
    query: msg.query ?? '',
    llm: msg.llm ?? '',
    response: msg.response ?? '',
  };
  for (const k of OPTIONAL_STRINGS) {
    const v = msg[k];
    if (typeof v === 'string' && v !== '') out[k] = v;
  }
  for (const k of OPTIONAL_VALUES) {
    const v = msg[k];
    if (v !== undefined && v !== null) out[k] = v;
  }
  if (msg.metadata && typeof msg.metadata === 'object' && Object.keys(msg.metadata).length > 0) {
    out['metadata'] = msg.metadata;
  }
  return out;
}

/** A stored record as a proto `LogRecord`. */
export function recordToProto(r: LogRecord): commonV1.LogRecord {
  return {
    recordId: r.recordId,
    tenant: r.tenant,
    taskName: r.taskName,
    taskDomain: r.taskDomain,
    queryId: r.queryId,
    query: r.query,
    promptMode: r.promptMode,
    llm: r.llm,
    response: r.response,
    split: r.split ?? '',
    createdAt: r.createdAt,
    metadata: r.metadata,
    ...(r.groundTruth !== null ? { groundTruth: r.groundTruth } : {}),
    ...(r.metric !== null ? { metric: r.metric } : {}),
    ...(r.performance !== null ? { performance: r.performance } : {}),
    ...(r.judgeScore !== null ? { judgeScore: r.judgeScore } : {}),
    ...(r.inputTokens !== null ? { inputTokens: r.inputTokens } : {}),
    ...(r.outputTokens !== null ? { outputTokens: r.outputTokens } : {}),
    ...(r.inputPrice !== null ? { inputPrice: r.inputPrice } : {}),
    ...(r.outputPrice !== null ? { outputPrice: r.outputPrice } : {}),
    ...(r.costUsd !== null ? { costUsd: r.costUsd } : {}),
    ...(r.latencyMs !== null ? { latencyMs: r.latencyMs } : {}),
  };
}
