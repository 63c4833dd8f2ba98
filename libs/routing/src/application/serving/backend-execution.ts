import { parseCandidate } from '@fusion/contracts';
import { DomainError, ErrorCode } from '@fusion/shared/kernel';
import type { ChatMessage, ChatRequest, ChatResult } from '@fusion/shared/llm';
import { costOf } from '../backends/backend-config';
import type { BackendHandle, TenantBackends } from '../backends/backend-catalog.port';
import type { BackendHealthTracker } from '../backends/backend-health';
import type { RoutingMetrics } from '../ports/routing-metrics.port';

/** The paper's default think prompt (§1.3): the query plus this line. */
export const THINK_SUFFIX = "\nLet's think step by step.";

/** One call to one backend, as reported to the client and in `RouteExecuted`. */
export interface AttemptReport {
  candidate: string;
  backend: string;
  ok: boolean;
  error: string | null;
  latencyMs: number;
  costUsd: number;
}

/** A candidate to try, with what the router predicted for it (the budget checks use the prediction). */
export interface ExecutionCandidate {
  candidate: string;
  predictedCostUsd: number;
}

export interface ExecutionRequest {
  messages: readonly ChatMessage[];
  maxTokens?: number;
  temperature?: number;
}

export interface ExecutionLimits {
  /** Most backends called for one request. */
  maxAttempts: number;
  /**
   * The policy's max cost per request: stop falling back when spent + the next prediction would exceed it (spent
   * counts served tokens and timed-out attempts at their predicted cost; an error answer is not billed).
   */
  maxCostUsd: number | null;
  /** The policy's latency budget: each attempt's timeout is capped by what is left of it. */
  latencyBudgetMs: number | null;
}

export interface ExecutionSuccess {
  candidate: string;
  backend: BackendHandle;
  result: ChatResult;
  /** Cost of the served call (tokens x the backend's prices). */
  costUsd: number;
  /** Total cost including failed attempts that reported usage. */
  totalCostUsd: number;
  attempts: AttemptReport[];
  latencyMs: number;
}

export interface ExecutionHooks {
  now: () => number;
  metrics: RoutingMetrics;
  /** Streams the served call's text (with the candidate producing it); fallback only happens before the first delta. */
  onDelta?: (text: string, candidate: string) => void | Promise<void>;
  signal?: AbortSignal;
}

/** The messages for a candidate: think mode appends the step-by-step line to the last user message. */
export function messagesFor(candidate: string, messages: readonly ChatMessage[]): ChatMessage[] {
  const out = messages.map((m) => ({ ...m }));
  if (parseCandidate(candidate).promptMode !== 'think') return out;
  for (let i = out.length - 1; i >= 0; i--) {
    if (out[i]!.role === 'user') {
      out[i] = { role: 'user', content: `${out[i]!.content}${THINK_SUFFIX}` };
      break;
    }
  }
  return out;
}

function describeError(err: unknown): string {
  if (err instanceof Error) {
    const kind = (err as { kind?: unknown }).kind;
    return typeof kind === 'string' ? `${kind}: ${err.message}` : err.message;
  }
  return String(err);
}

/** UNAVAILABLE listing every attempt (and why the fallback stopped, when it did). */
export function allAttemptsFailed(attempts: readonly AttemptReport[], stopped: string | null): DomainError {
  const list = attempts.map((a) => `${a.candidate} (${a.backend}): ${a.error ?? 'failed'}`).join('; ');
  const message =
    attempts.length === 0
      ? `no backend was called: ${stopped ?? 'no candidate left'}`
      : `all ${attempts.length} attempts failed: ${list}${stopped ? `; stopped: ${stopped}` : ''}`;
  return new DomainError(ErrorCode.Unavailable, message, {
    details: { attempts: attempts.map((a) => ({ ...a })), stopped },
  });
}

/**
 * Calls the ranked candidates' backends in order until one answers: a backend error or timeout falls back to the
 * next candidate while the policy's budget allows (max cost, latency budget, max attempts). Unhealthy backends
 * are tried after healthy ones. A stream that fails after its first delta is not retried elsewhere (text already
 * sent cannot be taken back). All failed: UNAVAILABLE with each attempt's error.
 */
export async function executeWithFallback(
  ranked: readonly ExecutionCandidate[],
  backends: TenantBackends,
  health: BackendHealthTracker,
  request: ExecutionRequest,
  limits: ExecutionLimits,
  hooks: ExecutionHooks,
): Promise<ExecutionSuccess> {
  const started = hooks.now();
  const withBackend = ranked
    .map((c) => ({ ...c, backend: backends.get(parseCandidate(c.candidate).llm) }))
    .filter((c): c is ExecutionCandidate & { backend: BackendHandle } => c.backend !== undefined);
  const order = [
    ...withBackend.filter((c) => health.isHealthy(c.backend.name)),
    ...withBackend.filter((c) => !health.isHealthy(c.backend.name)),
  ];
  const attempts: AttemptReport[] = [];
  let spent = 0;
  let stopped: string | null = null;
  for (const c of order) {
    if (attempts.length >= limits.maxAttempts) {
      stopped = `reached the limit of ${limits.maxAttempts} attempts`;
      break;
    }
    if (limits.maxCostUsd !== null && spent + c.predictedCostUsd > limits.maxCostUsd) {
      stopped = `${c.candidate} would exceed max_cost_usd ${limits.maxCostUsd} (spent ${spent.toPrecision(3)}, predicted ${c.predictedCostUsd.toPrecision(3)})`;
      break;
    }
    let timeoutMs = c.backend.timeoutMs;
    if (limits.latencyBudgetMs !== null) {
      const left = limits.latencyBudgetMs - (hooks.now() - started);
      if (left <= 0) {
        stopped = `latency_budget_ms ${limits.latencyBudgetMs} used up`;
        break;
      }
      timeoutMs = Math.min(timeoutMs, Math.ceil(left));
    }
    const chatRequest: ChatRequest = {
      model: c.backend.model,
      messages: messagesFor(c.candidate, request.messages),
      ...(request.maxTokens !== undefined ? { max_tokens: request.maxTokens } : {}),
      ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
    };
    const callStarted = hooks.now();
    let streamed = false;
    try {
      const opts = { timeoutMs, ...(hooks.signal ? { signal: hooks.signal } : {}) };
      let result: ChatResult | undefined;
      if (hooks.onDelta) {
        for await (const chunk of c.backend.chat.stream(chatRequest, opts)) {
          if (chunk.type === 'delta') {
            streamed = true;
            await hooks.onDelta(chunk.text, c.candidate);
          } else result = chunk.result;
        }
        if (!result) throw new Error('stream ended without a result');
      } else {
        result = await c.backend.chat.complete(chatRequest, opts);
      }
      const latencyMs = hooks.now() - callStarted;
      const costUsd = costOf(c.backend.prices, result.usage.promptTokens, result.usage.completionTokens);
      spent += costUsd;
      attempts.push({
        candidate: c.candidate,
        backend: c.backend.name,
        ok: true,
        error: null,
        latencyMs,
        costUsd,
      });
      health.recordCall(c.backend.name, true);
      hooks.metrics.attempt({
        backend: c.backend.name,
        candidate: c.candidate,
        ok: true,
        seconds: latencyMs / 1000,
      });
      return {
        candidate: c.candidate,
        backend: c.backend,
        result,
        costUsd,
        totalCostUsd: spent,
        attempts,
        latencyMs: hooks.now() - started,
      };
    } catch (err) {
      const latencyMs = hooks.now() - callStarted;
      const error = describeError(err);
      // A timed-out call may still be billed: it counts against the budget at its predicted cost.
      if ((err as { kind?: unknown }).kind === 'timeout') spent += c.predictedCostUsd;
      attempts.push({
        candidate: c.candidate,
        backend: c.backend.name,
        ok: false,
        error,
        latencyMs,
        costUsd: 0,
      });
      health.recordCall(c.backend.name, false, error);
      hooks.metrics.attempt({
        backend: c.backend.name,
        candidate: c.candidate,
        ok: false,
        seconds: latencyMs / 1000,
      });
      if (hooks.signal?.aborted) {
        stopped = 'the client cancelled the request';
        break;
      }
      if (streamed) {
        stopped = `${c.candidate} failed mid-stream; text already sent cannot be taken back`;
        break;
      }
    }
  }
  if (order.length === 0) stopped = 'no ranked candidate has a backend';
  throw allAttemptsFailed(attempts, stopped);
}
