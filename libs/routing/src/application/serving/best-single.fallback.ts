import { parseCandidate } from '@fusion/contracts';
import { DomainError } from '@fusion/shared/kernel';
import {
  resolvePolicy,
  type ExcludedCandidate,
  type RankedCandidate,
  type RoutingDecision,
  type RoutingPolicy,
} from '../../domain/policy';
import type { CandidateSummary, RoutingSampleStore } from '../ports/routing-sample.store.port';

/** One candidate's means over the logged cells: raw, and per-task min-max normalised (as the best-single baseline). */
export interface CandidateMean {
  candidate: string;
  performance: number;
  costUsd: number;
  latencyMs: number | null;
  normalisedPerformance: number;
  normalisedCost: number;
  cells: number;
}

/** Per-candidate means from per (task, candidate) sums; a candidate never scored ranks last under any policy. */
export function candidateMeansOf(summary: CandidateSummary): CandidateMean[] {
  const ranges = new Map(summary.ranges.map((r) => [r.taskName, r]));
  const acc = new Map<
    string,
    { p: number; np: number; pn: number; k: number; nk: number; kn: number; l: number; ln: number }
  >();
  for (const cell of summary.cells) {
    const a = acc.get(cell.candidate) ?? { p: 0, np: 0, pn: 0, k: 0, nk: 0, kn: 0, l: 0, ln: 0 };
    const r = ranges.get(cell.taskName);
    const pr = r ? r.perfMax - r.perfMin : 0;
    const kr = r ? r.costMax - r.costMin : 0;
    a.p += cell.perfSum;
    a.pn += cell.perfCount;
    a.np += pr > 0 ? (cell.perfSum - cell.perfCount * r!.perfMin) / pr : 0;
    a.k += cell.costSum;
    a.kn += cell.costCount;
    a.nk += kr > 0 ? (cell.costSum - cell.costCount * r!.costMin) / kr : 0;
    a.l += cell.latencySum;
    a.ln += cell.latencyCount;
    acc.set(cell.candidate, a);
  }
  return [...acc.entries()]
    .map(([candidate, a]) => ({
      candidate,
      performance: a.pn > 0 ? a.p / a.pn : 0,
      costUsd: a.kn > 0 ? a.k / a.kn : 0,
      latencyMs: a.ln > 0 ? a.l / a.ln : null,
      normalisedPerformance: a.pn > 0 ? a.np / a.pn : 0,
      normalisedCost: a.kn > 0 ? a.nk / a.kn : 1,
      cells: a.pn,
    }))
    .sort((x, y) => (x.candidate < y.candidate ? -1 : x.candidate > y.candidate ? 1 : 0));
}

/**
 * The fallback decision before any router is trained: the best single model under the policy (mean per-task
 * normalised performance and cost over the log), with the policy's filters. `usable` removes candidates that
 * cannot be served (no backend). The decision names itself as a best-single fallback in its reason.
 */
export function rankBestSingle(
  means: readonly CandidateMean[],
  policy: RoutingPolicy,
  options: { taskHint?: string; usable?: (candidate: string) => boolean } = {},
): RoutingDecision {
  const candidates = means.map((m) => m.candidate);
  const resolved = resolvePolicy(policy, candidates);
  const ranked: RankedCandidate[] = [];
  const excluded: ExcludedCandidate[] = [];
  means.forEach((m, i) => {
    if (!resolved.permitted[i] || (options.usable && !options.usable(m.candidate))) {
      excluded.push({ candidate: m.candidate, reason: 'not_allowed' });
      return;
    }
    if (resolved.maxCostUsd !== null && m.costUsd > resolved.maxCostUsd) {
      excluded.push({ candidate: m.candidate, reason: 'over_max_cost' });
      return;
    }
    if (resolved.latencyBudgetMs !== null && m.latencyMs !== null && m.latencyMs > resolved.latencyBudgetMs) {
      excluded.push({ candidate: m.candidate, reason: 'over_latency_budget' });
      return;
    }
    const { llm, promptMode } = parseCandidate(m.candidate);
    ranked.push({
      candidate: m.candidate,
      llm,
      promptMode,
      predictedPerformance: m.performance,
      predictedCostUsd: m.costUsd,
      predictedLatencyMs: m.latencyMs,
      normalisedPerformance: m.normalisedPerformance,
      normalisedCost: m.normalisedCost,
      score: resolved.alpha * m.normalisedPerformance - resolved.beta * m.normalisedCost,
    });
  });
  ranked.sort(
    (a, b) =>
      b.score - a.score ||
      a.predictedCostUsd - b.predictedCostUsd ||
      (a.candidate < b.candidate ? -1 : a.candidate > b.candidate ? 1 : 0),
  );
  const chosen = ranked[0];
  if (!chosen) {
    throw DomainError.failedPrecondition('no candidate satisfies the policy', {
      policy: resolved.name,
      excluded: excluded.map((e) => `${e.candidate}: ${e.reason}`),
    });
  }
  const cells = means.reduce((n, m) => n + m.cells, 0);
  return {
    policy: resolved.name,
    task: options.taskHint ?? '',
    taskSource: options.taskHint ? 'hint' : 'classifier',
    chosen,
    ranked,
    excluded,
    reason:
      `no trained router yet: ${chosen.candidate} is the best single model under ${resolved.name} ` +
      `(score ${chosen.score.toFixed(3)} over ${cells} logged outcomes)` +
      (ranked[1] ? `; next ${ranked[1].candidate} at ${ranked[1].score.toFixed(3)}` : ''),
  };
}

/**
 * Best-single fallback with a short-lived cache of the log's per-candidate means, so a tenant without a router
 * does not aggregate its log on every request. No scored samples: FAILED_PRECONDITION.
 */
export class BestSingleFallback {
  private readonly cache = new Map<string, { at: number; means: CandidateMean[] }>();

  constructor(
    private readonly deps: {
      samples: Pick<RoutingSampleStore, 'candidateSummary'>;
      ttlMs: number;
      now: () => number;
    },
  ) {}

  async means(tenant: string): Promise<CandidateMean[]> {
    const hit = this.cache.get(tenant);
    if (hit && this.deps.now() - hit.at < this.deps.ttlMs) return hit.means;
    const means = candidateMeansOf(await this.deps.samples.candidateSummary(tenant));
    // An empty log is not cached: the first scored records must be usable at once.
    if (means.some((m) => m.cells > 0)) this.cache.set(tenant, { at: this.deps.now(), means });
    return means;
  }

  async decide(
    tenant: string,
    policy: RoutingPolicy,
    options: { taskHint?: string; usable?: (candidate: string) => boolean } = {},
  ): Promise<RoutingDecision> {
    const means = await this.means(tenant);
    if (means.every((m) => m.cells === 0)) {
      throw DomainError.failedPrecondition(
        `tenant ${tenant} has no trained router and no scored log records: ingest scored logs, then call TrainRouter`,
        { tenant },
      );
    }
    return rankBestSingle(means, policy, options);
  }
}
