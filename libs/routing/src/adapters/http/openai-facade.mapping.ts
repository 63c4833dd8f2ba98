import { DomainError, ErrorCode, type FieldViolation } from '@fusion/shared/kernel';
import type { ChatMessage, ChatRole } from '@fusion/shared/llm';
import { httpStatusOf, mapError } from '@fusion/shared/transport';
import { POLICY_SCENARIOS } from '../../domain/policy';
import type { RoutingPolicy } from '../../domain/policy';
import type { AttemptReport } from '../../application/serving/backend-execution';
import type {
  ExecutedRoute,
  RouteQueryCommand,
  ServedDecision,
} from '../../application/serving/route-query.command';

/** The model aliases the facade routes: `fusion/auto` is balance (or custom alpha/beta), the others their scenario. */
export const FUSION_AUTO = 'fusion/auto';
export const FUSION_MODELS = [FUSION_AUTO, ...Object.keys(POLICY_SCENARIOS).map((s) => `fusion/${s}`)];

export interface ParsedChatRequest {
  command: RouteQueryCommand;
  /** Null: route; otherwise the concrete model the client named. */
  model: string | null;
  stream: boolean;
  includeUsage: boolean;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * An OpenAI chat-completions body (plus the fusion extensions, top level or under `fusion`) as a routing command.
 * Bad input is INVALID_ARGUMENT naming the body field.
 */
export function parseChatRequest(
  body: unknown,
  headers: Record<string, string | string[] | undefined>,
): ParsedChatRequest {
  if (!isObject(body)) throw DomainError.invalidArgument('body', 'must be a JSON object');
  const ext: Record<string, unknown> = { ...body, ...(isObject(body['fusion']) ? body['fusion'] : {}) };
  const violations: FieldViolation[] = [];
  const model = body['model'];
  if (typeof model !== 'string' || model.trim() === '')
    violations.push({ field: 'model', reason: 'is required (e.g. fusion/auto)' });
  const rawMessages = body['messages'];
  const messages: ChatMessage[] = [];
  if (!Array.isArray(rawMessages) || rawMessages.length === 0) {
    violations.push({ field: 'messages', reason: 'must be a non-empty array' });
  } else {
    rawMessages.forEach((m, i) => {
      if (!isObject(m) || !['system', 'user', 'assistant'].includes(String(m['role']))) {
        violations.push({ field: `messages[${i}].role`, reason: 'must be system, user or assistant' });
        return;
      }
      const content = contentText(m['content']);
      if (content === undefined) {
        violations.push({
          field: `messages[${i}].content`,
          reason: 'must be a string or a list of text parts',
        });
        return;
      }
      messages.push({ role: m['role'] as ChatRole, content });
    });
  }
  const num = (field: string): number | undefined => {
    const v = ext[field];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      violations.push({ field, reason: `must be a number, got ${JSON.stringify(v)}` });
      return undefined;
    }
    return v;
  };
  const list = (field: string): string[] | undefined => {
    const v = ext[field];
    if (v === undefined || v === null) return undefined;
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) {
      violations.push({ field, reason: 'must be a list of model names' });
      return undefined;
    }
    return v as string[];
  };
  const alpha = num('alpha');
  const beta = num('beta');
  const allowed = list('allowed_models');
  const excluded = list('excluded_models');
  const maxCostUsd = num('max_cost_usd');
  const latencyBudgetMs = num('latency_budget_ms');
  const maxTokens = num('max_completion_tokens') ?? num('max_tokens');
  const temperature = num('temperature');
  const stream = body['stream'] === true;
  if (body['stream'] !== undefined && typeof body['stream'] !== 'boolean') {
    violations.push({ field: 'stream', reason: 'must be a boolean' });
  }
  if (violations.length > 0) throw DomainError.invalidArguments(violations);

  let scenario: string | undefined;
  let concrete: string | null = null;
  const name = (model as string).trim();
  if (name.startsWith('fusion/')) {
    if (name !== FUSION_AUTO) {
      scenario = name.slice('fusion/'.length);
      if (!Object.hasOwn(POLICY_SCENARIOS, scenario)) {
        throw DomainError.invalidArgument(
          'model',
          `unknown fusion model '${name}' (known: ${FUSION_MODELS.join(', ')})`,
        );
      }
    }
  } else {
    concrete = name;
  }
  const policy: RoutingPolicy = {
    ...(scenario ? { scenario } : {}),
    ...(alpha !== undefined ? { alpha } : {}),
    ...(beta !== undefined ? { beta } : {}),
    ...(allowed ? { allowed } : {}),
    ...(excluded ? { excluded } : {}),
    ...(maxCostUsd !== undefined ? { maxCostUsd } : {}),
    ...(latencyBudgetMs !== undefined ? { latencyBudgetMs } : {}),
  };
  const header = headers['x-fusion-tenant'];
  const tenant =
    typeof ext['tenant'] === 'string' && ext['tenant']
      ? ext['tenant']
      : typeof header === 'string' && header
        ? header
        : 'default';
  const streamOptions = body['stream_options'];
  return {
    command: {
      tenant,
      query: '',
      messages,
      policy,
      ...(ext['thought_augmentation'] === true ? { thoughtAugmentation: true } : {}),
      ...(typeof ext['task_hint'] === 'string' && ext['task_hint'] ? { taskHint: ext['task_hint'] } : {}),
      ...(typeof ext['request_id'] === 'string' && ext['request_id'] ? { requestId: ext['request_id'] } : {}),
      ...(maxTokens !== undefined ? { maxTokens } : {}),
      ...(temperature !== undefined ? { temperature } : {}),
    },
    model: concrete,
    stream,
    includeUsage: isObject(streamOptions) && streamOptions['include_usage'] === true,
  };
}

function contentText(content: unknown): string | undefined {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    const parts = content.map((p) =>
      isObject(p) && p['type'] === 'text' && typeof p['text'] === 'string' ? p['text'] : undefined,
    );
    return parts.every((p) => p !== undefined) ? parts.join('') : undefined;
  }
  return undefined;
}

export function decisionJson(d: ServedDecision): Record<string, unknown> {
  return {
    chosen: d.decision.chosen.candidate,
    router_id: d.routerId,
    router_version: d.routerVersion,
    router_kind: d.routerKind,
    reason: d.decision.reason,
    policy: d.decision.policy,
    fallback_to_best_single: d.fallbackToBestSingle,
    inferred_task: d.decision.task,
    task_source: d.decision.taskSource,
    ranked: d.decision.ranked.map((r) => ({
      candidate: r.candidate,
      predicted_performance: r.predictedPerformance,
      predicted_cost_usd: r.predictedCostUsd,
      predicted_latency_ms: r.predictedLatencyMs,
      score: r.score,
    })),
    excluded: d.excluded,
    shadow: d.shadow
      ? { router_id: d.shadow.routerId, router_version: d.shadow.routerVersion, chosen: d.shadow.chosen }
      : null,
  };
}

export function attemptsJson(attempts: readonly AttemptReport[]): Record<string, unknown>[] {
  return attempts.map((a) => ({
    candidate: a.candidate,
    backend: a.backend,
    ok: a.ok,
    error: a.error,
    latency_ms: a.latencyMs,
    cost_usd: a.costUsd,
  }));
}

export function usageJson(e: ExecutedRoute): Record<string, number> {
  const c = e.completion;
  return {
    prompt_tokens: c.inputTokens,
    completion_tokens: c.outputTokens,
    total_tokens: c.inputTokens + c.outputTokens,
  };
}

export function executionJson(e: ExecutedRoute): Record<string, unknown> {
  return {
    request_id: e.requestId,
    served_by: e.completion.servedBy,
    backend: e.completion.backend,
    attempts: attemptsJson(e.attempts),
    cost_usd: e.completion.costUsd,
    latency_ms: e.completion.latencyMs,
    logged_record_id: e.completion.loggedRecordId,
  };
}

/** A non-streamed `chat.completion`, with `model` = the candidate that served and the routing report under `fusion`. */
export function completionJson(e: ExecutedRoute, created: number): Record<string, unknown> {
  return {
    id: `chatcmpl-${e.requestId}`,
    object: 'chat.completion',
    created,
    model: e.completion.servedBy,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: e.completion.text },
        finish_reason: e.completion.finishReason === 'unknown' ? 'stop' : e.completion.finishReason,
      },
    ],
    usage: usageJson(e),
    fusion: { ...executionJson(e), decision: e.decided ? decisionJson(e.decided) : null },
  };
}

const ERROR_TYPES: Partial<Record<ErrorCode, string>> = {
  [ErrorCode.InvalidArgument]: 'invalid_request_error',
  [ErrorCode.NotFound]: 'invalid_request_error',
  [ErrorCode.FailedPrecondition]: 'invalid_request_error',
  [ErrorCode.ResourceExhausted]: 'rate_limit_error',
  [ErrorCode.Unavailable]: 'service_unavailable',
  [ErrorCode.DeadlineExceeded]: 'timeout',
};

/** HTTP names of request fields (the use case speaks proto names). */
function httpField(field: string): string {
  if (field === 'query') return 'messages';
  return field.startsWith('policy.') ? field.slice('policy.'.length) : field;
}

/** Any error as OpenAI's error JSON with the matching status (400 naming `param`, 404 unknown model, 503, ...). */
export function openAiError(err: unknown): { status: number; body: { error: Record<string, unknown> } } {
  const mapped = mapError(err);
  const param = mapped.violations[0] ? httpField(mapped.violations[0].field) : null;
  const code =
    mapped.code === ErrorCode.NotFound && param === 'model' ? 'model_not_found' : mapped.code.toLowerCase();
  const message =
    mapped.code === ErrorCode.InvalidArgument && mapped.violations.length > 0
      ? mapped.violations.map((v) => `${httpField(v.field)}: ${v.reason}`).join('; ')
      : mapped.message;
  return {
    status: httpStatusOf(mapped.code),
    body: {
      error: {
        message,
        type: ERROR_TYPES[mapped.code] ?? 'server_error',
        param,
        code,
        ...(mapped.details['attempts']
          ? { attempts: attemptsJson(mapped.details['attempts'] as AttemptReport[]) }
          : {}),
      },
    },
  };
}
