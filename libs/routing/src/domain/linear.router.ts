import { decodeFloat32, encodeFloat32 } from './float-codec';
import {
  ContextRouter,
  isNumber,
  isString,
  modelField,
  resolveHyperparams,
  type PredictBuffers,
  type RouterArtifact,
} from './router';
import { RoutingContext } from './routing-context';
import { splitQueryIndices, type TrainingSet } from './training-set';
import { choleskySolveInPlace, dot } from './vector-math';

export interface LinearHyperparams {
  /** Ridge penalty; 0 = pick from `RIDGE_GRID` on a seeded validation slice. */
  ridge: number;
  validationFraction: number;
}

export const LINEAR_DEFAULTS: LinearHyperparams = { ridge: 0, validationFraction: 0.2 };
const RIDGE_GRID = [0.3, 1, 3, 10, 30, 100, 300, 1000];

/**
 * Linear router: per-candidate ridge regression of performance on [query embedding, task one-hot, 1], closed
 * form (one shared Cholesky factorisation for all candidates). Targets are residuals over the candidate's per-task
 * mean; unlogged cells are imputed with that mean (residual 0), which keeps the Gram matrix shared.
 */
export class LinearRouter extends ContextRouter<LinearHyperparams> {
  readonly kind = 'linear' as const;

  constructor(
    context: RoutingContext,
    hyperparams: LinearHyperparams,
    seed: number,
    readonly ridge: number,
    /** candidates x (dimension + tasks + 1). */
    private readonly weights: Float32Array,
  ) {
    super(context, hyperparams, seed);
  }

  static train(set: TrainingSet, hyperparams: Partial<LinearHyperparams> = {}, seed = 0): LinearRouter {
    const hp = resolveHyperparams('linear', LINEAR_DEFAULTS, hyperparams);
    const context = RoutingContext.fit(set);
    const all = Array.from({ length: set.queryIds.length }, (_, i) => i);
    let ridge = hp.ridge;
    if (!(ridge > 0)) {
      const split = splitQueryIndices(set, hp.validationFraction, seed);
      ridge = RIDGE_GRID[RIDGE_GRID.length - 1]!;
      if (split.validation.length > 0) {
        const normal = normalEquations(set, context, split.train);
        let best = Infinity;
        for (const lambda of RIDGE_GRID) {
          const w = solve(normal, lambda);
          const mse = validationError(set, context, w, split.validation);
          if (mse < best - 1e-12) {
            best = mse;
            ridge = lambda;
          }
        }
      }
    }
    const w = solve(normalEquations(set, context, all), ridge);
    return new LinearRouter(context, hp, seed, ridge, Float32Array.from(w));
  }

  static fromArtifact(artifact: RouterArtifact): LinearRouter {
    const context = RoutingContext.fromJSON(artifact.context);
    const hp = resolveHyperparams(
      'linear',
      LINEAR_DEFAULTS,
      artifact.hyperparams as Partial<LinearHyperparams>,
    );
    const m = artifact.model;
    const F = context.dimension + context.tasks.length + 1;
    return new LinearRouter(
      context,
      hp,
      artifact.seed,
      modelField(m, 'ridge', isNumber, 'a number'),
      decodeFloat32(
        modelField(m, 'weights', isString, 'base64'),
        context.candidates.length * F,
        'artifact.model.weights',
      ),
    );
  }

  protected modelJSON(): Record<string, unknown> {
    return { ridge: this.ridge, weights: encodeFloat32(this.weights) };
  }

  protected predictInto(
    unit: Float32Array,
    task: number,
    queryLength: number | undefined,
    out: PredictBuffers,
  ): boolean {
    const D = this.context.dimension;
    const T = this.context.tasks.length;
    const C = this.context.candidates.length;
    const F = D + T + 1;
    for (let c = 0; c < C; c++) {
      const row = c * F;
      out.perf[c] =
        this.context.perfMean[task * C + c]! +
        dot(this.weights, row, unit, 0, D) +
        this.weights[row + D + task]! +
        this.weights[row + D + T]!;
    }
    this.costFromModel(task, queryLength, out.cost);
    return false;
  }
}

interface Normal {
  F: number;
  C: number;
  gram: Float64Array;
  rhs: Float64Array;
}

function normalEquations(set: TrainingSet, context: RoutingContext, rows: readonly number[]): Normal {
  const D = set.dimension;
  const T = set.tasks.length;
  const C = set.candidates.length;
  const F = D + T + 1;
  const gram = new Float64Array(F * F);
  const rhs = new Float64Array(F * C);
  const x = new Float64Array(F);
  const r = new Float64Array(C);
  for (const q of rows) {
    const t = set.queryTask[q]!;
    x.fill(0);
    for (let d = 0; d < D; d++) x[d] = set.embeddings[q * D + d]!;
    x[D + t] = 1;
    x[D + T] = 1;
    for (let c = 0; c < C; c++) {
      const y = set.performance[q * C + c]!;
      r[c] = Number.isNaN(y) ? 0 : y - context.perfMean[t * C + c]!;
    }
    for (let i = 0; i < F; i++) {
      const xi = x[i]!;
      if (xi === 0) continue;
      const gi = i * F;
      for (let j = i; j < F; j++) gram[gi + j] = gram[gi + j]! + xi * x[j]!;
      const ri = i * C;
      for (let c = 0; c < C; c++) rhs[ri + c] = rhs[ri + c]! + xi * r[c]!;
    }
  }
  for (let i = 0; i < F; i++) for (let j = 0; j < i; j++) gram[i * F + j] = gram[j * F + i]!;
  return { F, C, gram, rhs };
}

/** Weights as candidates x features. */
function solve(normal: Normal, lambda: number): Float64Array {
  const { F, C } = normal;
  const a = Float64Array.from(normal.gram);
  for (let i = 0; i < F; i++) a[i * F + i] = a[i * F + i]! + lambda;
  const b = Float64Array.from(normal.rhs);
  choleskySolveInPlace(a, F, b, C);
  const w = new Float64Array(C * F);
  for (let i = 0; i < F; i++) for (let c = 0; c < C; c++) w[c * F + i] = b[i * C + c]!;
  return w;
}

function validationError(
  set: TrainingSet,
  context: RoutingContext,
  w: Float64Array,
  rows: readonly number[],
): number {
  const D = set.dimension;
  const T = set.tasks.length;
  const C = set.candidates.length;
  const F = D + T + 1;
  let s = 0;
  let n = 0;
  for (const q of rows) {
    const t = set.queryTask[q]!;
    for (let c = 0; c < C; c++) {
      const y = set.performance[q * C + c]!;
      if (Number.isNaN(y)) continue;
      const pred =
        context.perfMean[t * C + c]! +
        dot(w, c * F, set.embeddings, q * D, D) +
        w[c * F + D + t]! +
        w[c * F + D + T]!;
      s += (pred - y) ** 2;
      n++;
    }
  }
  return n > 0 ? s / n : 0;
}
