import type { PromotionGate } from '@fusion/contracts';
import { routingV1 } from '@fusion/contracts/grpc';
import type { ChatMessage, ChatRole } from '@fusion/shared/llm';
import type { BackendView } from '../../application/backends/backend-catalog.port';
import type { RouterVersionInfo } from '../../application/registry/router-registry.decider';
import type { AttemptReport } from '../../application/serving/backend-execution';
import type {
  RouteCompletion,
  RouteQueryCommand,
  ServedDecision,
} from '../../application/serving/route-query.command';
import type { KindEvaluation } from '../../application/training/train-router.handler';

export const DEFAULT_TENANT = 'default';

/** A RouteQueryRequest as the use case's command. */
export function commandFromProto(req: routingV1.RouteQueryRequest): RouteQueryCommand {
  const p = req.policy;
  const messages: ChatMessage[] = (req.messages ?? []).map((m) => ({
    role: m.role as ChatRole,
    content: m.content,
  }));
  return {
    tenant: req.tenant || DEFAULT_TENANT,
    ...(req.requestId ? { requestId: req.requestId } : {}),
    query: req.query ?? '',
    ...(messages.length > 0 ? { messages } : {}),
    policy: {
      ...(p?.scenario ? { scenario: p.scenario } : {}),
      ...(p?.alpha !== undefined ? { alpha: p.alpha } : {}),
      ...(p?.beta !== undefined ? { beta: p.beta } : {}),
      ...(p?.allowedModels?.length ? { allowed: p.allowedModels } : {}),
      ...(p?.excludedModels?.length ? { excluded: p.excludedModels } : {}),
      ...(p?.maxCostUsd !== undefined ? { maxCostUsd: p.maxCostUsd } : {}),
      ...(p?.latencyBudgetMs !== undefined ? { latencyBudgetMs: p.latencyBudgetMs } : {}),
    },
    ...(p?.thoughtAugmentation ? { thoughtAugmentation: true } : {}),
    ...(req.taskHint ? { taskHint: req.taskHint } : {}),
    ...(req.maxTokens !== undefined ? { maxTokens: req.maxTokens } : {}),
    ...(req.temperature !== undefined ? { temperature: req.temperature } : {}),
  };
}

export function decisionToProto(d: ServedDecision): routingV1.Decision {
  return {
    chosen: d.decision.chosen.candidate,
    ranked: d.decision.ranked.map((r) => ({
      candidate: r.candidate,
      llm: r.llm,
      promptMode: r.promptMode,
      predictedPerformance: r.predictedPerformance,
      predictedCostUsd: r.predictedCostUsd,
      score: r.score,
      ...(r.predictedLatencyMs !== null ? { predictedLatencyMs: r.predictedLatencyMs } : {}),
    })),
    routerId: d.routerId,
    routerVersion: d.routerVersion,
    routerKind: d.routerKind,
    reason: d.decision.reason,
    fallbackToBestSingle: d.fallbackToBestSingle,
    inferredTask: d.decision.task,
    ...(d.shadow
      ? {
          shadow: {
            routerId: d.shadow.routerId,
            routerVersion: d.shadow.routerVersion,
            routerKind: d.shadow.routerKind,
            chosen: d.shadow.chosen,
          },
        }
      : {}),
    policy: d.decision.policy,
    taskSource: d.decision.taskSource,
    excluded: d.excluded.map((e) => ({ candidate: e.candidate, reason: e.reason })),
  };
}

export function completionToProto(c: RouteCompletion): routingV1.Completion {
  return {
    text: c.text,
    servedBy: c.servedBy,
    inputTokens: c.inputTokens,
    outputTokens: c.outputTokens,
    costUsd: c.costUsd,
    latencyMs: c.latencyMs,
    finishReason: c.finishReason,
    loggedRecordId: c.loggedRecordId,
  };
}

export function attemptToProto(a: AttemptReport): routingV1.Attempt {
  return {
    candidate: a.candidate,
    ok: a.ok,
    error: a.error ?? '',
    latencyMs: a.latencyMs,
    costUsd: a.costUsd,
    backend: a.backend,
  };
}

export function routerVersionToProto(v: RouterVersionInfo): routingV1.RouterVersion {
  return {
    routerId: v.routerId,
    version: v.version,
    kind: v.kind,
    status: v.status,
    trainedOnRecords: v.trainedOnRecords,
    trainedOnQueries: v.trainedOnQueries,
    rewardByScenario: Object.fromEntries(v.metrics.map((m) => [m.scenario, m.reward])),
    registeredAt: v.registeredAt ?? '',
    artifactSha256: v.artifactSha256,
  };
}

export function gateToProto(g: PromotionGate): routingV1.Gate {
  return {
    scenario: g.scenario,
    challengerReward: g.challengerReward,
    ...(g.championReward !== null ? { championReward: g.championReward } : {}),
    championRouterId: g.championRouterId ?? '',
    championVersion: g.championVersion ?? 0,
    passed: g.passed,
    reason: g.reason,
  };
}

export function kindEvaluationToProto(k: KindEvaluation): routingV1.KindEvaluation {
  return {
    kind: k.kind,
    rewardByScenario: Object.fromEntries((k.metrics ?? []).map((m) => [m.scenario, m.reward])),
    error: k.error ?? '',
    trainMs: k.trainMs,
  };
}

export function backendToProto(b: BackendView): routingV1.Backend {
  return {
    name: b.name,
    endpoint: b.endpoint,
    model: b.model,
    inputPrice: b.inputPrice,
    outputPrice: b.outputPrice,
    healthy: b.healthy,
    kind: b.kind,
    description: b.description,
    lastError: b.lastError ?? '',
    consecutiveFailures: b.consecutiveFailures,
  };
}

export const MODE_EXECUTE = routingV1.Mode.MODE_EXECUTE;
