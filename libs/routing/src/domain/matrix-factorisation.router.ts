import { SeededRandom } from '@fusion/shared/kernel';
import { decodeFloat32, encodeFloat32 } from './float-codec';
import { gaussian, runTrainingLoop } from './gradient-training';
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
import { dot, logit, sigmoid } from './vector-math';

export interface MatrixFactorisationHyperparams {
  /** Latent dimension of the query projection and the candidate embeddings. */
  factors: number;
  learningRate: number;
  epochs: number;
  batchSize: number;
  weightDecay: number;
  patience: number;
  validationFraction: number;
}

export const MATRIX_FACTORISATION_DEFAULTS: MatrixFactorisationHyperparams = {
  factors: 16,
  learningRate: 0.003,
  epochs: 40,
  batchSize: 32,
  weightDecay: 0.001,
  patience: 4,
  validationFraction: 0.1,
};

/**
 * Matrix-factorisation router (RouteLLM's MF generalised from 2 models to N candidates):
 * perf(q, c) = sigmoid(logit(mean[task, c]) + v_c · (W e_q) + b_c), with a learned query projection W and
 * candidate embeddings v_c; seeded AdamW on the (soft) cross-entropy of logged cells, early stopping on validation.
 */
export class MatrixFactorisationRouter extends ContextRouter<MatrixFactorisationHyperparams> {
  readonly kind = 'matrix_factorisation' as const;

  constructor(
    context: RoutingContext,
    hyperparams: MatrixFactorisationHyperparams,
    seed: number,
    readonly factors: number,
    /** factors x dimension. */
    private readonly projection: Float32Array,
    /** candidates x factors. */
    private readonly candidateVectors: Float32Array,
    private readonly bias: Float32Array,
  ) {
    super(context, hyperparams, seed);
  }

  static train(
    set: TrainingSet,
    hyperparams: Partial<MatrixFactorisationHyperparams> = {},
    seed = 0,
  ): MatrixFactorisationRouter {
    const hp = resolveHyperparams('matrix_factorisation', MATRIX_FACTORISATION_DEFAULTS, hyperparams);
    const context = RoutingContext.fit(set);
    const D = set.dimension;
    const C = set.candidates.length;
    const K = Math.max(1, Math.round(hp.factors));
    const rng = new SeededRandom(seed);
    const w = gaussian(K * D, 1 / Math.sqrt(D), rng);
    const v = gaussian(C * K, 0.1, rng);
    const b = new Float64Array(C);
    const prior = Float64Array.from(context.perfMean, (p) => logit(p));
    const z = new Float64Array(K);
    const gz = new Float64Array(K);

    const project = (q: number): void => {
      for (let k = 0; k < K; k++) z[k] = dot(w, k * D, set.embeddings, q * D, D);
    };
    const loop = {
      params: [w, v, b],
      batchGradient(batch: readonly number[], grads: Float64Array[]): void {
        const [gw, gv, gb] = grads as [Float64Array, Float64Array, Float64Array];
        grads.forEach((g) => g.fill(0));
        let cells = 0;
        for (const q of batch)
          for (let c = 0; c < C; c++) if (!Number.isNaN(set.performance[q * C + c]!)) cells++;
        if (cells === 0) return;
        for (const q of batch) {
          const t = set.queryTask[q]!;
          project(q);
          gz.fill(0);
          for (let c = 0; c < C; c++) {
            const y = set.performance[q * C + c]!;
            if (Number.isNaN(y)) continue;
            const p = sigmoid(prior[t * C + c]! + dot(v, c * K, z, 0, K) + b[c]!);
            const g = (p - y) / cells;
            gb[c] = gb[c]! + g;
            for (let k = 0; k < K; k++) {
              gv[c * K + k] = gv[c * K + k]! + g * z[k]!;
              gz[k] = gz[k]! + g * v[c * K + k]!;
            }
          }
          for (let k = 0; k < K; k++) {
            const g = gz[k]!;
            for (let d = 0; d < D; d++) gw[k * D + d] = gw[k * D + d]! + g * set.embeddings[q * D + d]!;
          }
        }
      },
      loss(queries: readonly number[]): number {
        let s = 0;
        let n = 0;
        for (const q of queries) {
          const t = set.queryTask[q]!;
          project(q);
          for (let c = 0; c < C; c++) {
            const y = set.performance[q * C + c]!;
            if (Number.isNaN(y)) continue;
            const p = Math.min(
              1 - 1e-7,
              Math.max(1e-7, sigmoid(prior[t * C + c]! + dot(v, c * K, z, 0, K) + b[c]!)),
            );
            s -= y * Math.log(p) + (1 - y) * Math.log(1 - p);
            n++;
          }
        }
        return n > 0 ? s / n : 0;
      },
    };
    const split = splitQueryIndices(set, hp.validationFraction, seed);
    runTrainingLoop(loop, split.train, split.validation, { ...hp, seed });
    return new MatrixFactorisationRouter(
      context,
      hp,
      seed,
      K,
      Float32Array.from(w),
      Float32Array.from(v),
      Float32Array.from(b),
    );
  }

  static fromArtifact(artifact: RouterArtifact): MatrixFactorisationRouter {
    const context = RoutingContext.fromJSON(artifact.context);
    const hp = resolveHyperparams(
      'matrix_factorisation',
      MATRIX_FACTORISATION_DEFAULTS,
      artifact.hyperparams as Partial<MatrixFactorisationHyperparams>,
    );
    const m = artifact.model;
    const K = modelField(m, 'factors', isNumber, 'a number');
    const C = context.candidates.length;
    const f = (name: string, n: number): Float32Array =>
      decodeFloat32(modelField(m, name, isString, 'base64'), n, `artifact.model.${name}`);
    return new MatrixFactorisationRouter(
      context,
      hp,
      artifact.seed,
      K,
      f('projection', K * context.dimension),
      f('candidateVectors', C * K),
      f('bias', C),
    );
  }

  protected modelJSON(): Record<string, unknown> {
    return {
      factors: this.factors,
      projection: encodeFloat32(this.projection),
      candidateVectors: encodeFloat32(this.candidateVectors),
      bias: encodeFloat32(this.bias),
    };
  }

  protected predictInto(
    unit: Float32Array,
    task: number,
    queryLength: number | undefined,
    out: PredictBuffers,
  ): boolean {
    const D = this.context.dimension;
    const C = this.context.candidates.length;
    const K = this.factors;
    const z = new Float64Array(K);
    for (let k = 0; k < K; k++) z[k] = dot(this.projection, k * D, unit, 0, D);
    for (let c = 0; c < C; c++) {
      out.perf[c] = sigmoid(
        logit(this.context.perfMean[task * C + c]!) +
          dot(this.candidateVectors, c * K, z, 0, K) +
          this.bias[c]!,
      );
    }
    this.costFromModel(task, queryLength, out.cost);
    return false;
  }
}
