import { DomainError } from '@fusion/shared/kernel';
import { RoutingContext, type RoutingContextJson } from './routing-context';
import { clamp01, unitCopy } from './vector-math';

export type RouterKind = 'knn' | 'mlp' | 'linear' | 'matrix_factorisation' | 'graph';
export const ROUTER_KINDS: readonly RouterKind[] = ['knn', 'mlp', 'linear', 'matrix_factorisation', 'graph'];

export const ROUTER_ARTIFACT_FORMAT = 'fusionfactory.router';
export const ROUTER_ARTIFACT_VERSION = 1;

/** One candidate's predicted outcome for a query. */
export interface CandidatePrediction {
  candidate: string;
  /** Predicted task metric in [0, 1]. */
  performance: number;
  costUsd: number;
  /** Mean logged latency of the candidate on the task; null when never logged. */
  latencyMs: number | null;
  /** How much of the estimate comes from the query itself rather than the task prior, in [0, 1], when known. */
  confidence?: number;
}

/** Every candidate's prediction for one query, plus the task the per-task normalisation will use. */
export interface RouterPrediction {
  task: string;
  taskIndex: number;
  /** `hint` when the request named a task the router knows, else `classifier`. */
  taskSource: 'hint' | 'classifier';
  candidates: CandidatePrediction[];
}

/**
 * A trained router: predicts per-candidate performance and cost, so any policy can be applied at request time
 * without retraining. Deterministic and pure; `toJSON()` is a versioned artifact that `loadRouter` restores to a
 * router giving identical predictions.
 */
export interface RouterModel {
  readonly kind: RouterKind;
  readonly context: RoutingContext;
  /** `taskHint`: a task name (unknown names fall back to the task classifier); `queryLength`: characters. */
  predict(embedding: Float32Array, taskHint?: string, queryLength?: number): RouterPrediction;
  toJSON(): RouterArtifact;
}

/** Versioned artifact: JSON-safe, large Float32 arrays base64-encoded (little-endian). */
export interface RouterArtifact {
  format: typeof ROUTER_ARTIFACT_FORMAT;
  version: number;
  kind: RouterKind;
  seed: number;
  hyperparams: Record<string, unknown>;
  context: RoutingContextJson;
  model: Record<string, unknown>;
}

export interface PredictBuffers {
  perf: Float64Array;
  cost: Float64Array;
  confidence: Float64Array;
}

/** Shared predict/serialise plumbing: subclasses fill per-candidate performance and cost. */
export abstract class ContextRouter<H extends object> implements RouterModel {
  abstract readonly kind: RouterKind;

  constructor(
    readonly context: RoutingContext,
    readonly hyperparams: H,
    readonly seed: number,
  ) {}

  /** Fills `perf` and `cost` for a unit-norm embedding; fills `confidence` and returns true when it has one. */
  protected abstract predictInto(
    unit: Float32Array,
    task: number,
    queryLength: number | undefined,
    out: PredictBuffers,
  ): boolean;

  /** Kind-specific parameters for the artifact. */
  protected abstract modelJSON(): Record<string, unknown>;

  /** The shared cost model's estimate, for routers without their own. */
  protected costFromModel(task: number, queryLength: number | undefined, cost: Float64Array): void {
    for (let c = 0; c < cost.length; c++) cost[c] = this.context.costModel.cost(task, c, queryLength);
  }

  predict(embedding: Float32Array, taskHint?: string, queryLength?: number): RouterPrediction {
    const ctx = this.context;
    if (embedding.length !== ctx.dimension) {
      throw DomainError.invalidArgument(
        'embedding',
        `has ${embedding.length} dimensions, the router expects ${ctx.dimension}`,
      );
    }
    const unit = unitCopy(embedding);
    const hinted = ctx.taskOf(taskHint);
    const task = hinted ?? ctx.classifier.classify(unit);
    const C = ctx.candidates.length;
    const out: PredictBuffers = {
      perf: new Float64Array(C),
      cost: new Float64Array(C),
      confidence: new Float64Array(C),
    };
    const hasConfidence = this.predictInto(unit, task, queryLength, out);
    const candidates: CandidatePrediction[] = new Array(C);
    for (let c = 0; c < C; c++) {
      const p: CandidatePrediction = {
        candidate: ctx.candidates[c] as string,
        performance: clamp01(out.perf[c]!),
        costUsd: out.cost[c]!,
        latencyMs: ctx.costModel.latency(task, c),
      };
      if (hasConfidence) p.confidence = out.confidence[c]!;
      candidates[c] = p;
    }
    return {
      task: ctx.tasks[task] as string,
      taskIndex: task,
      taskSource: hinted === undefined ? 'classifier' : 'hint',
      candidates,
    };
  }

  toJSON(): RouterArtifact {
    return {
      format: ROUTER_ARTIFACT_FORMAT,
      version: ROUTER_ARTIFACT_VERSION,
      kind: this.kind,
      seed: this.seed,
      hyperparams: { ...(this.hyperparams as Record<string, unknown>) },
      context: this.context.toJSON(),
      model: this.modelJSON(),
    };
  }
}

export const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
export const isString = (v: unknown): v is string => typeof v === 'string';
export const isNumberArray = (v: unknown): v is number[] =>
  Array.isArray(v) && v.every((x) => typeof x === 'number');

/** Reads a required field of an artifact's `model` section, with an error naming it. */
export function modelField<T>(
  model: Record<string, unknown>,
  name: string,
  check: (v: unknown) => v is T,
  what: string,
): T {
  const v = model[name];
  if (!check(v)) throw DomainError.invalidArgument(`artifact.model.${name}`, `must be ${what}`);
  return v;
}

/** Merges user hyper-parameters over defaults, rejecting unknown keys and negative or non-finite numbers. */
export function resolveHyperparams<H extends object>(
  kind: RouterKind,
  defaults: H,
  given: Partial<H> | undefined,
): H {
  const out = { ...defaults } as Record<string, unknown>;
  for (const [key, value] of Object.entries(given ?? {})) {
    if (!(key in defaults)) {
      throw DomainError.invalidArgument(
        `hyperparams.${key}`,
        `unknown for router '${kind}' (known: ${Object.keys(defaults).join(', ')})`,
      );
    }
    if (value === undefined) continue;
    const def = (defaults as Record<string, unknown>)[key];
    if (typeof def === 'number' && (typeof value !== 'number' || !Number.isFinite(value) || value < 0)) {
      throw DomainError.invalidArgument(
        `hyperparams.${key}`,
        `must be a non-negative finite number, got ${String(value)}`,
      );
    }
    out[key] = value;
  }
  return out as H;
}
