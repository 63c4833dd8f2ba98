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
import { dot } from './vector-math';

export interface MlpHyperparams {
  hidden: number;
  learningRate: number;
  epochs: number;
  batchSize: number;
  weightDecay: number;
  patience: number;
  validationFraction: number;
}

export const MLP_DEFAULTS: MlpHyperparams = {
  hidden: 64,
  learningRate: 0.001,
  epochs: 60,
  batchSize: 32,
  weightDecay: 0.001,
  patience: 5,
  validationFraction: 0.1,
};

/**
 * MLP router: one ReLU hidden layer over [query embedding, task one-hot], one output per candidate, regressing
 * every candidate's performance at once (masked MSE on logged cells, AdamW, early stopping on a seeded validation
 * slice). Outputs are residuals over the candidate's per-task mean, so an untrained or regularised net predicts
 * the per-task mean.
 */
export class MlpRouter extends ContextRouter<MlpHyperparams> {
  readonly kind = 'mlp' as const;

  constructor(
    context: RoutingContext,
    hyperparams: MlpHyperparams,
    seed: number,
    readonly hidden: number,
    /** hidden x (dimension + tasks), row-major. */
    private readonly w1: Float32Array,
    private readonly b1: Float32Array,
    /** candidates x hidden. */
    private readonly w2: Float32Array,
    private readonly b2: Float32Array,
  ) {
    super(context, hyperparams, seed);
  }

  static train(set: TrainingSet, hyperparams: Partial<MlpHyperparams> = {}, seed = 0): MlpRouter {
    const hp = resolveHyperparams('mlp', MLP_DEFAULTS, hyperparams);
    const context = RoutingContext.fit(set);
    const D = set.dimension;
    const T = set.tasks.length;
    const C = set.candidates.length;
    const H = Math.max(1, Math.round(hp.hidden));
    const In = D + T;
    const rng = new SeededRandom(seed);
    const w1 = gaussian(H * In, Math.sqrt(2 / (D + 1)), rng);
    const b1 = new Float64Array(H);
    const w2 = gaussian(C * H, 0.01, rng);
    const b2 = new Float64Array(C);
    const hPre = new Float64Array(H);
    const h = new Float64Array(H);
    const gOut = new Float64Array(C);
    const gH = new Float64Array(H);

    // Forward one query; returns the number of observed cells and leaves residuals in gOut (pred - y, 0 if missing).
    const forward = (q: number): number => {
      const t = set.queryTask[q]!;
      for (let j = 0; j < H; j++) {
        const pre = dot(w1, j * In, set.embeddings, q * D, D) + w1[j * In + D + t]! + b1[j]!;
        hPre[j] = pre;
        h[j] = pre > 0 ? pre : 0;
      }
      let n = 0;
      for (let c = 0; c < C; c++) {
        const y = set.performance[q * C + c]!;
        if (Number.isNaN(y)) {
          gOut[c] = 0;
          continue;
        }
        gOut[c] = context.perfMean[t * C + c]! + dot(w2, c * H, h, 0, H) + b2[c]! - y;
        n++;
      }
      return n;
    };

    const loop = {
      params: [w1, b1, w2, b2],
      batchGradient(batch: readonly number[], grads: Float64Array[]): void {
        const [g1, gb1, g2, gb2] = grads as [Float64Array, Float64Array, Float64Array, Float64Array];
        grads.forEach((g) => g.fill(0));
        let cells = 0;
        for (const q of batch) cells += countObserved(set, q);
        if (cells === 0) return;
        const scale = 2 / cells;
        for (const q of batch) {
          const t = set.queryTask[q]!;
          forward(q);
          gH.fill(0);
          for (let c = 0; c < C; c++) {
            const g = gOut[c]! * scale;
            if (g === 0) continue;
            gb2[c] = gb2[c]! + g;
            for (let j = 0; j < H; j++) {
              g2[c * H + j] = g2[c * H + j]! + g * h[j]!;
              gH[j] = gH[j]! + g * w2[c * H + j]!;
            }
          }
          for (let j = 0; j < H; j++) {
            if (hPre[j]! <= 0) continue;
            const g = gH[j]!;
            gb1[j] = gb1[j]! + g;
            const row = j * In;
            for (let d = 0; d < D; d++) g1[row + d] = g1[row + d]! + g * set.embeddings[q * D + d]!;
            g1[row + D + t] = g1[row + D + t]! + g;
          }
        }
      },
      loss(queries: readonly number[]): number {
        let s = 0;
        let n = 0;
        for (const q of queries) {
          n += forward(q);
          for (let c = 0; c < C; c++) s += gOut[c]! * gOut[c]!;
        }
        return n > 0 ? s / n : 0;
      },
    };
    const split = splitQueryIndices(set, hp.validationFraction, seed);
    runTrainingLoop(loop, split.train, split.validation, { ...hp, seed });
    return new MlpRouter(
      context,
      hp,
      seed,
      H,
      Float32Array.from(w1),
      Float32Array.from(b1),
      Float32Array.from(w2),
      Float32Array.from(b2),
    );
  }

  static fromArtifact(artifact: RouterArtifact): MlpRouter {
    const context = RoutingContext.fromJSON(artifact.context);
    const hp = resolveHyperparams('mlp', MLP_DEFAULTS, artifact.hyperparams as Partial<MlpHyperparams>);
    const m = artifact.model;
    const H = modelField(m, 'hidden', isNumber, 'a number');
    const In = context.dimension + context.tasks.length;
    const C = context.candidates.length;
    const f = (name: string, n: number): Float32Array =>
      decodeFloat32(modelField(m, name, isString, 'base64'), n, `artifact.model.${name}`);
    return new MlpRouter(
      context,
      hp,
      artifact.seed,
      H,
      f('w1', H * In),
      f('b1', H),
      f('w2', C * H),
      f('b2', C),
    );
  }

  protected modelJSON(): Record<string, unknown> {
    return {
      hidden: this.hidden,
      w1: encodeFloat32(this.w1),
      b1: encodeFloat32(this.b1),
      w2: encodeFloat32(this.w2),
      b2: encodeFloat32(this.b2),
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
    const H = this.hidden;
    const In = D + this.context.tasks.length;
    const h = new Float64Array(H);
    for (let j = 0; j < H; j++) {
      const pre = dot(this.w1, j * In, unit, 0, D) + this.w1[j * In + D + task]! + this.b1[j]!;
      h[j] = pre > 0 ? pre : 0;
    }
    for (let c = 0; c < C; c++) {
      out.perf[c] = this.context.perfMean[task * C + c]! + dot(this.w2, c * H, h, 0, H) + this.b2[c]!;
    }
    this.costFromModel(task, queryLength, out.cost);
    return false;
  }
}

function countObserved(set: TrainingSet, q: number): number {
  const C = set.candidates.length;
  let n = 0;
  for (let c = 0; c < C; c++) if (!Number.isNaN(set.performance[q * C + c]!)) n++;
  return n;
}
