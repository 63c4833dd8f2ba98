import { parseCandidate, type RouteDecidedV1 } from '@fusion/contracts';
import { DomainError, ErrorCode, isDomainError, type Clock, type IdGenerator } from '@fusion/shared/kernel';
import type { ChatMessage, Embedder } from '@fusion/shared/llm';
import {
  assertPolicyShape,
  decide,
  resolvePolicy,
  type ResolvedPolicy,
  type RoutingDecision,
} from '../../domain/policy';
import type { RouterModel } from '../../domain/router';
import type { BackendCatalog, TenantBackends } from '../backends/backend-catalog.port';
import type { RouteEventContext, LogBackSink, RouteEventSink } from '../ports/route-event.sink.port';
import type { RoutingMetrics } from '../ports/routing-metrics.port';
import type { ThoughtAugmenter } from '../ports/thought-augmenter.port';
import { AsyncQueue } from '../shared/async-queue';
import { executeWithFallback, type AttemptReport, type ExecutionCandidate } from './backend-execution';
import type { BestSingleFallback } from './best-single.fallback';
import type { ChampionCache, LoadedRouter } from './champion-cache';
import { logBackRecord, logBackRecordId } from './log-back.record';
import { renamePolicyFields, withPolicyFieldNames } from './policy-fields';
import type {
  ExecutedRoute,
  RouteQueryCommand,
  RouteStreamEvent,
  ServedDecision,
} from './route-query.command';

export interface RouteQuerySettings {
  /** Largest query, in UTF-8 bytes. */
  maxQueryBytes: number;
  /** Most backends called for one executed request. */
  maxAttempts: number;
}

export interface RouteQueryDeps {
  cache: ChampionCache;
  bestSingle: BestSingleFallback;
  embedder: Embedder;
  backends: BackendCatalog;
  events: RouteEventSink;
  logBack: LogBackSink;
  thought?: ThoughtAugmenter;
  metrics: RoutingMetrics;
  ids: IdGenerator;
  clock: Clock;
  /** Monotonic milliseconds. */
  now: () => number;
  settings: RouteQuerySettings;
}

const ROLES = new Set(['system', 'user', 'assistant']);
const BEST_SINGLE = 'best_single';

interface Routed {
  served: ServedDecision;
  query: string;
  messages: ChatMessage[];
}

function lastUserMessage(messages: readonly ChatMessage[]): string | undefined {
  for (let i = messages.length - 1; i >= 0; i--)
    if (messages[i]!.role === 'user') return messages[i]!.content;
  return undefined;
}

function utf8Bytes(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/**
 * RouteQuery. Decide: validate, embed, predict with the in-memory champion (plus the challenger in shadow), rank
 * under the policy; no database read and no await beyond the embedding, and the `RouteDecided` event is queued,
 * not written, on this path. Without a champion, the best single model from the log (reported as such). Execute:
 * call the chosen backend and fall back down the ranked list within the policy's budget, log the answer back to
 * ingestion and record `RouteExecuted`.
 */
/** Candidates of the ranking recorded in each RouteDecided event. */
const RANKED_IN_EVENT = 5;

export class RouteQueryHandler {
  constructor(private readonly deps: RouteQueryDeps) {}

  /** Decide only. */
  async decide(command: RouteQueryCommand): Promise<ServedDecision> {
    return (await this.route(command, null)).served;
  }

  /** Decide and call the chosen backend, falling back down the ranked list. */
  async execute(command: RouteQueryCommand): Promise<ExecutedRoute> {
    const backends = await this.deps.backends.forTenant(command.tenant);
    const routed = await this.route(command, backends);
    return this.run(
      command,
      routed.served.requestId,
      routed.served,
      routed.query,
      routed.messages,
      backends,
      undefined,
    );
  }

  /** No routing: the client named a model (an LLM, or `<llm>:think`). */
  async executeModel(command: RouteQueryCommand, model: string): Promise<ExecutedRoute> {
    const { backends, query, messages, requestId } = await this.direct(command, model);
    return this.run(command, requestId, null, query, messages, backends, undefined, model);
  }

  /** Execute with the completion streamed: the decision, then deltas, then the completion (or an error). */
  async *stream(command: RouteQueryCommand, model?: string): AsyncGenerator<RouteStreamEvent> {
    let routed: {
      requestId: string;
      served: ServedDecision | null;
      query: string;
      messages: ChatMessage[];
      backends: TenantBackends;
    };
    if (model !== undefined) {
      const d = await this.direct(command, model);
      routed = { ...d, served: null };
    } else {
      const backends = await this.deps.backends.forTenant(command.tenant);
      const r = await this.route(command, backends);
      routed = {
        requestId: r.served.requestId,
        served: r.served,
        query: r.query,
        messages: r.messages,
        backends,
      };
    }
    yield { type: 'decision', decided: routed.served, requestId: routed.requestId };
    const abort = new AbortController();
    const outer = command.signal;
    const onOuterAbort = (): void => abort.abort();
    outer?.addEventListener('abort', onOuterAbort, { once: true });
    const queue = new AsyncQueue<RouteStreamEvent>();
    let finished = false;
    const done = this.run(
      { ...command, signal: abort.signal },
      routed.requestId,
      routed.served,
      routed.query,
      routed.messages,
      routed.backends,
      (text, candidate) => queue.push({ type: 'delta', text, candidate }),
      model,
    ).then(
      (executed) => {
        finished = true;
        queue.push({ type: 'completion', executed });
        queue.end();
      },
      (err: unknown) => {
        finished = true;
        queue.fail(err);
      },
    );
    try {
      yield* queue;
      await done;
    } finally {
      outer?.removeEventListener('abort', onOuterAbort);
      // The consumer went away mid-stream: stop the backend call.
      if (!finished) abort.abort();
    }
  }

  private validate(command: RouteQueryCommand): { query: string; messages: ChatMessage[] } {
    const given = command.messages ?? [];
    given.forEach((m, i) => {
      if (!m || !ROLES.has(m.role)) {
        throw DomainError.invalidArgument(
          `messages[${i}].role`,
          `must be system, user or assistant, got '${String(m?.role)}'`,
        );
      }
      if (typeof m.content !== 'string')
        throw DomainError.invalidArgument(`messages[${i}].content`, 'must be a string');
    });
    const query = command.query !== '' ? command.query : (lastUserMessage(given) ?? '');
    if (query.trim() === '') {
      throw DomainError.invalidArgument('query', 'must not be empty (give a query or a user message)');
    }
    const max = this.deps.settings.maxQueryBytes;
    if (query.length > max || (query.length * 3 > max && utf8Bytes(query) > max)) {
      throw DomainError.invalidArgument('query', `is ${utf8Bytes(query)} bytes, over the limit of ${max}`);
    }
    const messages: ChatMessage[] =
      given.length > 0
        ? given.map((m) => ({ role: m.role, content: m.content }))
        : [{ role: 'user', content: query }];
    if (lastUserMessage(messages) === undefined) messages.push({ role: 'user', content: query });
    return { query, messages };
  }

  private resolve(
    command: RouteQueryCommand,
    candidates: readonly string[],
    backends: TenantBackends | null,
  ): ResolvedPolicy {
    const resolved = withPolicyFieldNames('policy.', () => resolvePolicy(command.policy, candidates));
    if (backends === null) return resolved;
    const permitted = resolved.permitted.map(
      (p, i) => p && backends.get(parseCandidate(candidates[i]!).llm) !== undefined,
    );
    if (!permitted.some(Boolean)) {
      throw DomainError.failedPrecondition(
        `none of the candidates the policy allows has a backend to execute it (backends: ${backends.names().join(', ') || 'none'})`,
        { candidates: candidates.filter((_, i) => resolved.permitted[i]) },
      );
    }
    return { ...resolved, permitted };
  }

  private async route(command: RouteQueryCommand, backends: TenantBackends | null): Promise<Routed> {
    const started = this.deps.now();
    const { query, messages } = this.validate(command);
    withPolicyFieldNames('policy.', () => assertPolicyShape(command.policy));
    const requestId = command.requestId || this.deps.ids.next();
    const routers = this.deps.cache.get(command.tenant);
    const champion = routers?.champion ?? null;
    let served: ServedDecision;
    if (champion) {
      if (champion.incompatibility) throw DomainError.failedPrecondition(champion.incompatibility);
      const resolved = this.resolve(command, champion.model.context.candidates, backends);
      const [embedding] = await this.deps.embedder.embed([query]);
      const request = {
        ...(command.taskHint ? { taskHint: command.taskHint } : {}),
        queryLength: query.length,
      };
      const decision = decide(champion.model, embedding!, resolved, request);
      served = {
        requestId,
        tenant: command.tenant,
        query,
        routerId: champion.routerId,
        routerVersion: champion.version,
        routerKind: champion.kind,
        fallbackToBestSingle: false,
        decision,
        excluded: this.excludedOf(command, decision, backends),
        taskDomain: taskDomainOf(champion.model, decision.task),
        shadow: this.shadow(command, routers?.challenger ?? null, embedding!, request, backends, decision),
      };
    } else {
      const decision = await this.deps.bestSingle
        .decide(command.tenant, command.policy, {
          ...(command.taskHint ? { taskHint: command.taskHint } : {}),
          ...(backends ? { usable: (c: string) => backends.get(parseCandidate(c).llm) !== undefined } : {}),
        })
        .catch((err: unknown) => {
          throw renamePolicyFields(err, 'policy.');
        });
      served = {
        requestId,
        tenant: command.tenant,
        query,
        routerId: BEST_SINGLE,
        routerVersion: 0,
        routerKind: BEST_SINGLE,
        fallbackToBestSingle: true,
        decision,
        excluded: this.excludedOf(command, decision, backends),
        taskDomain: null,
        shadow: null,
      };
    }
    const event: RouteDecidedV1 = {
      requestId,
      routerId: served.routerId,
      routerVersion: served.routerVersion,
      chosen: served.decision.chosen.candidate,
      // The event keeps the head of the ranking (the response has all of it): decisions are the hottest event.
      rankedTotal: served.decision.ranked.length,
      ranked: served.decision.ranked.slice(0, RANKED_IN_EVENT).map((r) => ({
        candidate: r.candidate,
        predictedPerformance: r.predictedPerformance,
        predictedCostUsd: r.predictedCostUsd,
        score: r.score,
      })),
      policy: this.policyRecord(command, served.decision, backends !== null),
      reason: served.decision.reason,
      shadow: served.shadow
        ? {
            routerId: served.shadow.routerId,
            routerVersion: served.shadow.routerVersion,
            chosen: served.shadow.chosen,
          }
        : null,
      fallbackToBestSingle: served.fallbackToBestSingle,
    };
    const pending = this.deps.events.decided(command.tenant, event, this.eventContext(command, requestId));
    if (pending) await pending;
    this.deps.metrics.decided({
      routerId: served.routerId,
      candidate: served.decision.chosen.candidate,
      fallbackToBestSingle: served.fallbackToBestSingle,
      seconds: (this.deps.now() - started) / 1000,
    });
    return { served, query, messages };
  }

  /**
   * What the policy left out and why: the domain reports allow- and deny-list misses alike as `not_allowed`, so
   * name the deny list (`excluded`) and, in execute mode, candidates that only lack a backend (`no_backend`).
   */
  private excludedOf(
    command: RouteQueryCommand,
    decision: RoutingDecision,
    backends: TenantBackends | null,
  ): ServedDecision['excluded'] {
    const denied = command.policy.excluded ?? [];
    return decision.excluded.map((e) => {
      if (e.reason !== 'not_allowed') return { candidate: e.candidate, reason: e.reason };
      const { llm } = parseCandidate(e.candidate);
      if (denied.some((d) => d === e.candidate || d === llm))
        return { candidate: e.candidate, reason: 'excluded' };
      if (backends !== null && backends.get(llm) === undefined)
        return { candidate: e.candidate, reason: 'no_backend' };
      return { candidate: e.candidate, reason: e.reason };
    });
  }

  private shadow(
    command: RouteQueryCommand,
    challenger: LoadedRouter | null,
    embedding: Float32Array,
    request: { taskHint?: string; queryLength: number },
    backends: TenantBackends | null,
    served: RoutingDecision,
  ): ServedDecision['shadow'] {
    if (!challenger || challenger.incompatibility) return null;
    try {
      const resolved = this.resolve(command, challenger.model.context.candidates, backends);
      const chosen = decide(challenger.model, embedding, resolved, request).chosen.candidate;
      this.deps.metrics.shadow({ agreed: chosen === served.chosen.candidate });
      return {
        routerId: challenger.routerId,
        routerVersion: challenger.version,
        routerKind: challenger.kind,
        chosen,
      };
    } catch {
      // The challenger may not know a model the policy names: no shadow decision for this request.
      return null;
    }
  }

  private policyRecord(
    command: RouteQueryCommand,
    decision: RoutingDecision,
    execute: boolean,
  ): Record<string, unknown> {
    const p = command.policy;
    return {
      name: decision.policy,
      mode: execute ? 'execute' : 'decide',
      ...(p.scenario ? { scenario: p.scenario } : {}),
      ...(p.alpha !== undefined ? { alpha: p.alpha } : {}),
      ...(p.beta !== undefined ? { beta: p.beta } : {}),
      ...(p.allowed && p.allowed.length > 0 ? { allowed: [...p.allowed] } : {}),
      ...(p.excluded && p.excluded.length > 0 ? { excluded: [...p.excluded] } : {}),
      ...(p.maxCostUsd !== undefined ? { maxCostUsd: p.maxCostUsd } : {}),
      ...(p.latencyBudgetMs !== undefined ? { latencyBudgetMs: p.latencyBudgetMs } : {}),
      ...(command.thoughtAugmentation ? { thoughtAugmentation: true } : {}),
      ...(command.taskHint ? { taskHint: command.taskHint } : {}),
    };
  }

  private eventContext(command: RouteQueryCommand, requestId: string): RouteEventContext {
    return {
      correlationId: requestId,
      ...(command.traceparent ? { traceparent: command.traceparent } : {}),
      ...(command.tracestate ? { tracestate: command.tracestate } : {}),
    };
  }

  private async direct(
    command: RouteQueryCommand,
    model: string,
  ): Promise<{ backends: TenantBackends; query: string; messages: ChatMessage[]; requestId: string }> {
    const { query, messages } = this.validate(command);
    const backends = await this.deps.backends.forTenant(command.tenant);
    if (!backends.get(parseCandidate(model).llm)) {
      throw new DomainError(
        ErrorCode.NotFound,
        `model '${model}' not found (known: ${backends.names().join(', ') || 'none'})`,
        {
          violations: [{ field: 'model', reason: `unknown model '${model}'` }],
        },
      );
    }
    return { backends, query, messages, requestId: command.requestId || this.deps.ids.next() };
  }

  private async augment(
    command: RouteQueryCommand,
    query: string,
    task: string | undefined,
    messages: ChatMessage[],
  ): Promise<ChatMessage[]> {
    if (!this.deps.thought) {
      throw new DomainError(
        ErrorCode.FailedPrecondition,
        'thought augmentation is not available in this deployment',
        {
          violations: [{ field: 'policy.thought_augmentation', reason: 'no thought service is configured' }],
        },
      );
    }
    const { prompt } = await this.deps.thought.augment({
      tenant: command.tenant,
      query,
      ...(task ? { taskHint: task } : command.taskHint ? { taskHint: command.taskHint } : {}),
    });
    const out = messages.map((m) => ({ ...m }));
    for (let i = out.length - 1; i >= 0; i--) {
      if (out[i]!.role === 'user') {
        out[i] = { role: 'user', content: prompt };
        break;
      }
    }
    return out;
  }

  private async run(
    command: RouteQueryCommand,
    requestId: string,
    decided: ServedDecision | null,
    query: string,
    messages: ChatMessage[],
    backends: TenantBackends,
    onDelta: ((text: string, candidate: string) => void) | undefined,
    model?: string,
  ): Promise<ExecutedRoute> {
    const candidates: ExecutionCandidate[] = decided
      ? decided.decision.ranked.map((r) => ({ candidate: r.candidate, predictedCostUsd: r.predictedCostUsd }))
      : [{ candidate: model!, predictedCostUsd: 0 }];
    const ctx = this.eventContext(command, requestId);
    const prompt = command.thoughtAugmentation
      ? await this.augment(command, query, decided?.decision.task, messages)
      : messages;
    let attempts: AttemptReport[] = [];
    try {
      const success = await executeWithFallback(
        candidates,
        backends,
        this.deps.backends.health,
        {
          messages: prompt,
          ...(command.maxTokens !== undefined ? { maxTokens: command.maxTokens } : {}),
          ...(command.temperature !== undefined ? { temperature: command.temperature } : {}),
        },
        {
          maxAttempts: decided ? this.deps.settings.maxAttempts : 1,
          maxCostUsd: decided ? (command.policy.maxCostUsd ?? null) : null,
          latencyBudgetMs: decided ? (command.policy.latencyBudgetMs ?? null) : null,
        },
        {
          now: this.deps.now,
          metrics: this.deps.metrics,
          ...(onDelta ? { onDelta } : {}),
          ...(command.signal ? { signal: command.signal } : {}),
        },
      );
      attempts = success.attempts;
      const r = success.result;
      const recordId = logBackRecordId(requestId, success.candidate);
      const taskName = decided?.decision.task || command.taskHint || null;
      const published = this.deps.logBack.publish(
        logBackRecord({
          tenant: command.tenant,
          requestId,
          candidate: success.candidate,
          query,
          response: r.text,
          taskName,
          taskDomain: decided?.taskDomain ?? null,
          inputTokens: r.usage.promptTokens,
          outputTokens: r.usage.completionTokens,
          prices: success.backend.prices,
          costUsd: success.costUsd,
          latencyMs: success.attempts[success.attempts.length - 1]!.latencyMs,
          createdAt: this.deps.clock.now().toISOString(),
          metadata: {
            backend: success.backend.name,
            backend_kind: success.backend.kind,
            router_id: decided?.routerId ?? null,
            router_version: decided?.routerVersion ?? null,
            attempts: success.attempts.length,
            usage_estimated: r.usage.estimated,
            ...(command.thoughtAugmentation ? { thought_augmented: true } : {}),
          },
        }),
        ctx,
      );
      if (published) await published;
      const executed: ExecutedRoute = {
        requestId,
        decided,
        completion: {
          text: r.text,
          servedBy: success.candidate,
          backend: success.backend.name,
          model: r.model,
          inputTokens: r.usage.promptTokens,
          outputTokens: r.usage.completionTokens,
          usageEstimated: r.usage.estimated,
          costUsd: success.costUsd,
          latencyMs: success.latencyMs,
          finishReason: r.finishReason,
          loggedRecordId: recordId,
        },
        attempts,
      };
      await this.recordExecution(command.tenant, executed, ctx);
      return executed;
    } catch (err) {
      const failed = isDomainError(err)
        ? (err.details['attempts'] as AttemptReport[] | undefined)
        : undefined;
      if (failed) {
        attempts = failed;
        const pending = this.deps.events.executed(
          command.tenant,
          {
            requestId,
            servedBy: null,
            attempts: attempts.map((a) => ({
              candidate: a.candidate,
              ok: a.ok,
              error: a.error,
              latencyMs: a.latencyMs,
            })),
            inputTokens: 0,
            outputTokens: 0,
            costUsd: attempts.reduce((n, a) => n + a.costUsd, 0),
            latencyMs: attempts.reduce((n, a) => n + a.latencyMs, 0),
            loggedRecordId: null,
          },
          ctx,
        );
        if (pending) await pending;
        this.deps.metrics.executed({ candidate: null, costUsd: 0, fallbacks: attempts.length, ok: false });
      }
      throw err;
    }
  }

  private async recordExecution(
    tenant: string,
    executed: ExecutedRoute,
    ctx: RouteEventContext,
  ): Promise<void> {
    const c = executed.completion;
    const pending = this.deps.events.executed(
      tenant,
      {
        requestId: executed.requestId,
        servedBy: c.servedBy,
        attempts: executed.attempts.map((a) => ({
          candidate: a.candidate,
          ok: a.ok,
          error: a.error,
          latencyMs: a.latencyMs,
        })),
        inputTokens: c.inputTokens,
        outputTokens: c.outputTokens,
        costUsd: executed.attempts.reduce((n, a) => n + a.costUsd, 0),
        latencyMs: c.latencyMs,
        loggedRecordId: c.loggedRecordId,
      },
      ctx,
    );
    if (pending) await pending;
    this.deps.metrics.executed({
      candidate: c.servedBy,
      costUsd: c.costUsd,
      fallbacks: executed.attempts.length - 1,
      ok: true,
    });
  }
}

function taskDomainOf(model: RouterModel, task: string): string | null {
  const i = model.context.tasks.indexOf(task);
  return i >= 0 ? (model.context.taskDomains[i] ?? null) : null;
}
