import { SeededRandom } from '@fusion/shared/kernel';

/** AdamW over a list of parameter arrays (decoupled weight decay). */
export class AdamW {
  private readonly m: Float64Array[];
  private readonly v: Float64Array[];
  private t = 0;

  constructor(
    private readonly params: Float64Array[],
    private readonly lr: number,
    private readonly weightDecay: number,
    private readonly beta1 = 0.9,
    private readonly beta2 = 0.999,
    private readonly eps = 1e-8,
  ) {
    this.m = params.map((p) => new Float64Array(p.length));
    this.v = params.map((p) => new Float64Array(p.length));
  }

  step(grads: readonly Float64Array[]): void {
    this.t++;
    const c1 = 1 - this.beta1 ** this.t;
    const c2 = 1 - this.beta2 ** this.t;
    for (let k = 0; k < this.params.length; k++) {
      const p = this.params[k]!;
      const g = grads[k]!;
      const m = this.m[k]!;
      const v = this.v[k]!;
      for (let i = 0; i < p.length; i++) {
        const gi = g[i]!;
        const mi = this.beta1 * m[i]! + (1 - this.beta1) * gi;
        const vi = this.beta2 * v[i]! + (1 - this.beta2) * gi * gi;
        m[i] = mi;
        v[i] = vi;
        p[i] = p[i]! - this.lr * (mi / c1 / (Math.sqrt(vi / c2) + this.eps) + this.weightDecay * p[i]!);
      }
    }
  }
}

export interface TrainingLoop {
  /** Trainable parameters (updated in place). */
  params: Float64Array[];
  /** Zeroes and fills `grads` (same shapes as params) with the mean loss gradient over the batch of query indices. */
  batchGradient(batch: readonly number[], grads: Float64Array[]): void;
  /** Mean loss over the given query indices (no gradient). */
  loss(queries: readonly number[]): number;
}

export interface LoopSettings {
  epochs: number;
  batchSize: number;
  learningRate: number;
  weightDecay: number;
  /** Epochs without validation improvement before stopping. */
  patience: number;
  seed: number;
}

/**
 * Seeded mini-batch AdamW with early stopping on a validation slice: keeps the parameters of the best
 * validation epoch. Without a validation slice it runs every epoch. Returns the epochs run and best loss.
 */
export function runTrainingLoop(
  loop: TrainingLoop,
  train: readonly number[],
  validation: readonly number[],
  settings: LoopSettings,
): { epochs: number; bestValidationLoss: number } {
  const rng = new SeededRandom(settings.seed ^ 0x5bd1e995);
  const opt = new AdamW(loop.params, settings.learningRate, settings.weightDecay);
  const grads = loop.params.map((p) => new Float64Array(p.length));
  const order = [...train];
  const batchSize = Math.max(1, Math.round(settings.batchSize));
  let best = validation.length > 0 ? loop.loss(validation) : Infinity;
  let bestParams = loop.params.map((p) => Float64Array.from(p));
  let sinceBest = 0;
  let epoch = 0;
  for (; epoch < Math.round(settings.epochs); epoch++) {
    rng.shuffle(order);
    for (let i = 0; i < order.length; i += batchSize) {
      loop.batchGradient(order.slice(i, i + batchSize), grads);
      opt.step(grads);
    }
    if (validation.length === 0) continue;
    const l = loop.loss(validation);
    if (l < best - 1e-7) {
      best = l;
      bestParams = loop.params.map((p) => Float64Array.from(p));
      sinceBest = 0;
    } else if (++sinceBest > settings.patience) {
      epoch++;
      break;
    }
  }
  if (validation.length > 0) loop.params.forEach((p, k) => p.set(bestParams[k]!));
  return { epochs: epoch, bestValidationLoss: best };
}

/** Gaussian init N(0, std²), seeded. */
export function gaussian(n: number, std: number, rng: SeededRandom): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = rng.normal() * std;
  return out;
}
