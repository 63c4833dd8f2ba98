import type { RouterScenarioMetrics } from '@fusion/contracts';
import { buildRewardTable, type BenchmarkQuery, type Scenario } from '@fusion/evaluation';
import { rankPrediction, resolvePolicy } from '../../domain/policy';
import type { RouterKind, RouterModel } from '../../domain/router';
import { loadRouter, trainRouter } from '../../domain/router-registry';
import type { TrainingSet } from '../../domain/training-set';

/** Held-out queries with their logged outcomes and their embeddings (row-major, queries x dimension). */
export interface HeldOutSet {
  queries: BenchmarkQuery[];
  embeddings: Float32Array;
  dimension: number;
}

export interface NamedScenario {
  name: string;
  alpha: number;
  beta: number;
}

/**
 * The CPU-heavy part of training, as plain data so it can cross a worker boundary: fit each kind on `train`,
 * score each on `heldOut`, and score already-registered artifacts (the champion) on the same held-out split.
 */
export interface RouterTrainingJob {
  /** Null: evaluate only (manual promotion). */
  train: TrainingSet | null;
  heldOut: HeldOutSet;
  kinds: RouterKind[];
  seed: number;
  scenarios: NamedScenario[];
  /** Registered versions to score on the same split, as artifact JSON text. */
  evaluate: { label: string; artifact: string }[];
  /** The embedding space the held-out vectors live in; artifacts from another space are not evaluated. */
  embeddingSpace: string;
}

export interface TrainedKind {
  kind: RouterKind;
  /** Artifact JSON text and its sha256 (hex). */
  artifact: string;
  sha256: string;
  metrics: RouterScenarioMetrics[];
  trainMs: number;
}

export interface RouterTrainingOutcome {
  trained: TrainedKind[];
  failed: { kind: RouterKind; error: string }[];
  evaluated: { label: string; metrics: RouterScenarioMetrics[] | null; error: string | null }[];
}

export interface TrainingJobHooks {
  /** Called between kinds (inline runs give the event loop a turn here). */
  yieldTurn?: () => Promise<void>;
  sha256: (text: string) => string;
  now?: () => number;
}

const message = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/**
 * The router's top choice per held-out query and scenario (task names as hints, like the harness's router strategy),
 * scored with the harness's reward table: per-task min-max over the held-out queries, a missing performance is the
 * task minimum and a missing cost the task maximum.
 */
export function evaluateOnHeldOut(
  model: RouterModel,
  heldOut: HeldOutSet,
  scenarios: readonly NamedScenario[],
): RouterScenarioMetrics[] {
  const D = heldOut.dimension;
  if (model.context.dimension !== D) {
    throw new Error(`router expects ${model.context.dimension}-d embeddings, the held-out set has ${D}`);
  }
  const candidates = [
    ...new Set([
      ...model.context.candidates,
      ...heldOut.queries.flatMap((q) => q.outcomes.map((o) => o.candidate)),
    ]),
  ].sort();
  const predictions = heldOut.queries.map((q, i) =>
    model.predict(heldOut.embeddings.subarray(i * D, (i + 1) * D), q.taskName, q.query.length),
  );
  return scenarios.map((s) => {
    const scenario: Scenario = { name: s.name, alpha: s.alpha, beta: s.beta, objective: 'performance' };
    const table = buildRewardTable(heldOut.queries, candidates, scenario);
    const policy = resolvePolicy({ alpha: s.alpha, beta: s.beta }, model.context.candidates);
    let reward = 0;
    let perf = 0;
    let cost = 0;
    let costUsd = 0;
    predictions.forEach((p, i) => {
      const chosen = rankPrediction(p, model.context.stats[p.taskIndex]!, policy).chosen.candidate;
      const cell = table.rows[i]!.cells[table.candidateIndex.get(chosen)!]!;
      reward += cell.reward;
      perf += cell.performanceNormalised;
      cost += cell.costNormalised;
      costUsd += cell.costUsd;
    });
    const n = Math.max(1, predictions.length);
    return {
      scenario: s.name,
      reward: reward / n,
      performance: perf / n,
      cost: cost / n,
      costUsd: costUsd / n,
    };
  });
}

/** Runs a training job. Deterministic given the job (seeded training, fixed held-out split). */
export async function runRouterTrainingJob(
  job: RouterTrainingJob,
  hooks: TrainingJobHooks,
): Promise<RouterTrainingOutcome> {
  const now = hooks.now ?? (() => Date.now());
  const outcome: RouterTrainingOutcome = { trained: [], failed: [], evaluated: [] };
  for (const entry of job.evaluate) {
    try {
      const model = loadRouter(JSON.parse(entry.artifact));
      const space = model.context.embeddingSpace;
      if (space !== null && space !== job.embeddingSpace) {
        throw new Error(`trained in embedding space ${space}, the held-out set is in ${job.embeddingSpace}`);
      }
      outcome.evaluated.push({
        label: entry.label,
        metrics: evaluateOnHeldOut(model, job.heldOut, job.scenarios),
        error: null,
      });
    } catch (err) {
      outcome.evaluated.push({ label: entry.label, metrics: null, error: message(err) });
    }
    await hooks.yieldTurn?.();
  }
  if (job.train === null) return outcome;
  for (const kind of job.kinds) {
    const started = now();
    try {
      const model = trainRouter(kind, job.train, undefined, job.seed);
      const trainMs = now() - started;
      await hooks.yieldTurn?.();
      const metrics = evaluateOnHeldOut(model, job.heldOut, job.scenarios);
      const artifact = JSON.stringify(model.toJSON());
      outcome.trained.push({ kind, artifact, sha256: hooks.sha256(artifact), metrics, trainMs });
    } catch (err) {
      outcome.failed.push({ kind, error: message(err) });
    }
    await hooks.yieldTurn?.();
  }
  return outcome;
}
