import { dot, unitCopy } from './vector-math';
import type { TrainingSet } from './training-set';

/** Nearest-centroid task classifier (cosine): used when a request has no (known) task hint. */
export class TaskClassifier {
  constructor(
    readonly tasks: readonly string[],
    readonly dimension: number,
    /** tasks x dimension, unit rows. */
    readonly centroids: Float32Array,
  ) {}

  static fit(set: TrainingSet): TaskClassifier {
    const T = set.tasks.length;
    const D = set.dimension;
    const sums = new Float64Array(T * D);
    for (let q = 0; q < set.queryTask.length; q++) {
      const t = set.queryTask[q]!;
      for (let d = 0; d < D; d++) sums[t * D + d]! += set.embeddings[q * D + d]!;
    }
    const centroids = new Float32Array(T * D);
    for (let t = 0; t < T; t++) centroids.set(unitCopy(sums, t * D, D), t * D);
    return new TaskClassifier(set.tasks, D, centroids);
  }

  /** Index of the most similar task centroid for a unit embedding. */
  classify(unit: Float32Array): number {
    let best = 0;
    let bestSim = -Infinity;
    for (let t = 0; t < this.tasks.length; t++) {
      const s = dot(unit, 0, this.centroids, t * this.dimension, this.dimension);
      if (s > bestSim) {
        bestSim = s;
        best = t;
      }
    }
    return best;
  }
}
