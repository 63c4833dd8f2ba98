import { parseCandidate, type PromptMode } from '@fusion/contracts';
import { DomainError, type FieldViolation } from '@fusion/shared/kernel';
import type { RouterModel, RouterPrediction } from './router';
import { minMax, type TaskNormStats } from './training-set';

export type ScenarioName = 'performance_first' | 'balance' | 'cost_first';

/** The paper's named scenarios (§3.1): score = alpha · norm(perf) − beta · norm(cost). */
export const POLICY_SCENARIOS: Readonly<Record<ScenarioName, { alpha: number; beta: number }>> = {
  performance_first: { alpha: 1, beta: 0 },
  balance: { alpha: 0.5, beta: 0.5 },
  cost_first: { alpha: 0.2, beta: 0.8 },
};

/**
 * A request-time routing policy. Give either a named `scenario` or custom weights `alpha` and `beta` (neither:
 * `balance`). `allowed` / `excluded` entries match an LLM name (all its prompt modes) or an exact candidate
 * (`llm` or `llm:think`); an empty `allowed` list means no restriction.
 */
export interface RoutingPolicy {
  scenario?: string;
  alpha?: number;
  beta?: number;
  allowed?: readonly string[];
  excluded?: readonly string[];
  /** Candidates whose predicted cost is above this (USD) are excluded. */
  maxCostUsd?: number;
  /** Candidates whose predicted latency is above this are excluded; candidates with no latency data are kept. */
  latencyBudgetMs?: number;
}

/** A validated policy, ready to rank with. */
export interface ResolvedPolicy {
  name: string;
  alpha: number;
  beta: number;
  /** Per candidate (in the router's order): false when the allow/deny lists rule it out. */
  permitted: readonly boolean[];
  maxCostUsd: number | null;
  latencyBudgetMs: number | null;
}

export interface RankedCandidate {
  candidate: string;
  llm: string;
  promptMode: PromptMode;
  predictedPerformance: number;
  predictedCostUsd: number;
  predictedLatencyMs: number | null;
  normalisedPerformance: number;
  normalisedCost: number;
  score: number;
  confidence?: number;
}

export interface ExcludedCandidate {
  candidate: string;
  reason: 'not_allowed' | 'excluded' | 'over_max_cost' | 'over_latency_budget';
}

/** The outcome of applying a policy to one prediction: best first, with what was left out and why. */
export interface RoutingDecision {
  policy: string;
  task: string;
  taskSource: 'hint' | 'classifier';
  chosen: RankedCandidate;
  ranked: RankedCandidate[];
  excluded: ExcludedCandidate[];
  /** One line a person can read: why this candidate. */
  reason: string;
}

const nonNegative = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0;

/**
 * Validates a policy against the router's candidates. Every problem is reported at once as INVALID_ARGUMENT
 * naming its field (`scenario`, `alpha`, `beta`, `allowed[i]`, `excluded[i]`, `maxCostUsd`, `latencyBudgetMs`).
 */
/** Scenario or custom weights; problems go to `violations`. */
function weightsOf(
  policy: RoutingPolicy,
  violations: FieldViolation[],
): { name: string; alpha: number; beta: number } {
  let name = 'balance';
  let alpha = POLICY_SCENARIOS.balance.alpha;
  let beta = POLICY_SCENARIOS.balance.beta;
  const hasWeights = policy.alpha !== undefined || policy.beta !== undefined;
  if (policy.scenario !== undefined && policy.scenario !== '') {
    if (hasWeights)
      violations.push({ field: 'scenario', reason: 'give either a scenario or alpha and beta, not both' });
    const s = Object.hasOwn(POLICY_SCENARIOS, policy.scenario)
      ? POLICY_SCENARIOS[policy.scenario as ScenarioName]
      : undefined;
    if (s === undefined) {
      violations.push({
        field: 'scenario',
        reason: `unknown scenario '${policy.scenario}' (known: ${Object.keys(POLICY_SCENARIOS).join(', ')})`,
      });
    } else {
      name = policy.scenario;
      alpha = s.alpha;
      beta = s.beta;
    }
  } else if (hasWeights) {
    if (policy.alpha === undefined) violations.push({ field: 'alpha', reason: 'is required with beta' });
    else if (!nonNegative(policy.alpha))
      violations.push({
        field: 'alpha',
        reason: `must be a finite number >= 0, got ${String(policy.alpha)}`,
      });
    if (policy.beta === undefined) violations.push({ field: 'beta', reason: 'is required with alpha' });
    else if (!nonNegative(policy.beta))
      violations.push({ field: 'beta', reason: `must be a finite number >= 0, got ${String(policy.beta)}` });
    if (policy.alpha === 0 && policy.beta === 0)
      violations.push({ field: 'alpha', reason: 'alpha and beta cannot both be 0' });
    alpha = policy.alpha ?? 0;
    beta = policy.beta ?? 0;
    name = `custom(alpha=${alpha}, beta=${beta})`;
  }
  return { name, alpha, beta };
}

/** Budget fields: positive finite numbers when given. */
function budgetViolations(policy: RoutingPolicy, violations: FieldViolation[]): void {
  if (policy.maxCostUsd !== undefined && !(nonNegative(policy.maxCostUsd) && policy.maxCostUsd > 0)) {
    violations.push({
      field: 'maxCostUsd',
      reason: `must be a finite number > 0, got ${String(policy.maxCostUsd)}`,
    });
  }
  if (
    policy.latencyBudgetMs !== undefined &&
    !(nonNegative(policy.latencyBudgetMs) && policy.latencyBudgetMs > 0)
  ) {
    violations.push({
      field: 'latencyBudgetMs',
      reason: `must be a finite number > 0, got ${String(policy.latencyBudgetMs)}`,
    });
  }
}

/**
 * Checks what can be checked without knowing the candidates (weights, scenario, budgets), so bad input is
 * INVALID_ARGUMENT even when no router or sample exists yet.
 */
export function assertPolicyShape(policy: RoutingPolicy): void {
  const violations: FieldViolation[] = [];
  weightsOf(policy, violations);
  budgetViolations(policy, violations);
  if (violations.length > 0) throw DomainError.invalidArguments(violations);
}

export function resolvePolicy(policy: RoutingPolicy, candidates: readonly string[]): ResolvedPolicy {
  const violations: FieldViolation[] = [];
  const { name, alpha, beta } = weightsOf(policy, violations);

  const llms = candidates.map((c) => parseCandidate(c).llm);
  const matches = (entry: string, i: number): boolean => entry === candidates[i] || entry === llms[i];
  const checkList = (list: readonly string[] | undefined, field: string): readonly string[] => {
    if (list === undefined) return [];
    if (!Array.isArray(list)) {
      violations.push({ field, reason: 'must be a list of candidate or LLM names' });
      return [];
    }
    list.forEach((entry, j) => {
      if (typeof entry !== 'string' || !candidates.some((_, i) => matches(entry, i))) {
        violations.push({ field: `${field}[${j}]`, reason: `unknown model '${String(entry)}'` });
      }
    });
    return list;
  };
  const allowed = checkList(policy.allowed, 'allowed');
  const excluded = checkList(policy.excluded, 'excluded');
  const permitted = candidates.map(
    (_, i) =>
      (allowed.length === 0 || allowed.some((e) => matches(e, i))) && !excluded.some((e) => matches(e, i)),
  );
  if (violations.length === 0 && !permitted.some(Boolean)) {
    violations.push({ field: 'excluded', reason: 'allowed and excluded leave no candidate' });
  }
  budgetViolations(policy, violations);
  if (violations.length > 0) throw DomainError.invalidArguments(violations);
  return {
    name,
    alpha,
    beta,
    permitted,
    maxCostUsd: policy.maxCostUsd ?? null,
    latencyBudgetMs: policy.latencyBudgetMs ?? null,
  };
}

/**
 * Ranks a router's prediction under a resolved policy, with the task's train stats for normalisation.
 * Order: score, then lower cost, then name. No candidate left is FAILED_PRECONDITION listing why each went.
 */
export function rankPrediction(
  prediction: RouterPrediction,
  stats: TaskNormStats,
  policy: ResolvedPolicy,
): RoutingDecision {
  const ranked: RankedCandidate[] = [];
  const excluded: ExcludedCandidate[] = [];
  prediction.candidates.forEach((p, i) => {
    if (!policy.permitted[i]) {
      excluded.push({ candidate: p.candidate, reason: 'not_allowed' });
      return;
    }
    if (policy.maxCostUsd !== null && p.costUsd > policy.maxCostUsd) {
      excluded.push({ candidate: p.candidate, reason: 'over_max_cost' });
      return;
    }
    if (policy.latencyBudgetMs !== null && p.latencyMs !== null && p.latencyMs > policy.latencyBudgetMs) {
      excluded.push({ candidate: p.candidate, reason: 'over_latency_budget' });
      return;
    }
    const { llm, promptMode } = parseCandidate(p.candidate);
    const np = minMax(p.performance, stats.perfMin, stats.perfMax);
    const nc = minMax(p.costUsd, stats.costMin, stats.costMax);
    const r: RankedCandidate = {
      candidate: p.candidate,
      llm,
      promptMode,
      predictedPerformance: p.performance,
      predictedCostUsd: p.costUsd,
      predictedLatencyMs: p.latencyMs,
      normalisedPerformance: np,
      normalisedCost: nc,
      score: policy.alpha * np - policy.beta * nc,
    };
    if (p.confidence !== undefined) r.confidence = p.confidence;
    ranked.push(r);
  });
  ranked.sort(
    (a, b) =>
      b.score - a.score ||
      a.predictedCostUsd - b.predictedCostUsd ||
      (a.candidate < b.candidate ? -1 : a.candidate > b.candidate ? 1 : 0),
  );
  const chosen = ranked[0];
  if (chosen === undefined) {
    throw DomainError.failedPrecondition('no candidate satisfies the policy', {
      policy: policy.name,
      excluded: excluded.map((e) => `${e.candidate}: ${e.reason}`),
    });
  }
  return {
    policy: policy.name,
    task: prediction.task,
    taskSource: prediction.taskSource,
    chosen,
    ranked,
    excluded,
    reason: explain(chosen, ranked[1], prediction, policy, excluded),
  };
}

function explain(
  chosen: RankedCandidate,
  runnerUp: RankedCandidate | undefined,
  prediction: RouterPrediction,
  policy: ResolvedPolicy,
  excluded: readonly ExcludedCandidate[],
): string {
  const task = `task ${prediction.task} (${prediction.taskSource === 'hint' ? 'given' : 'classified'})`;
  let text =
    `${chosen.candidate}: best ${policy.name} score ${chosen.score.toFixed(3)} on ${task}, ` +
    `predicted performance ${chosen.predictedPerformance.toFixed(3)}, cost $${chosen.predictedCostUsd.toPrecision(3)}`;
  if (runnerUp) text += `; next ${runnerUp.candidate} at ${runnerUp.score.toFixed(3)}`;
  if (excluded.length > 0) {
    const counts = new Map<string, number>();
    for (const e of excluded) counts.set(e.reason, (counts.get(e.reason) ?? 0) + 1);
    text += `; ${excluded.length} excluded (${[...counts].map(([r, n]) => `${n} ${r.replace(/_/g, ' ')}`).join(', ')})`;
  }
  return text;
}

/**
 * Predicts and ranks in one call: the request-time decision. Takes a raw policy (validated here: tens of
 * candidates, cheap) or one resolved earlier against the same router.
 */
export function decide(
  model: RouterModel,
  embedding: Float32Array,
  policy: RoutingPolicy | ResolvedPolicy,
  request: { taskHint?: string; queryLength?: number } = {},
): RoutingDecision {
  const resolved = 'permitted' in policy ? policy : resolvePolicy(policy, model.context.candidates);
  const prediction = model.predict(embedding, request.taskHint, request.queryLength);
  return rankPrediction(prediction, model.context.stats[prediction.taskIndex]!, resolved);
}
