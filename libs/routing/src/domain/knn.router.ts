import { DomainError } from '@fusion/shared/kernel';
import { decodeFloat32, encodeFloat32 } from './float-codec';
import {
  ContextRouter,
  isNumberArray,
  isString,
  modelField,
  resolveHyperparams,
  type PredictBuffers,
  type RouterArtifact,
} from './router';
import { RoutingContext } from './routing-context';
import { sphericalKMeans } from './spherical-kmeans';
import type { TrainingSet } from './training-set';
import { dot } from './vector-math';

export interface KnnHyperparams {
  /** Neighbours per prediction. */
  k: number;
  /**
   * Pseudo-weight of the candidate's per-task mean: the estimate is (sum w·y + shrinkage·mean) / (sum w + shrinkage),
   * so with few or dissimilar neighbours the router falls back to the per-task best.
   */
  shrinkage: number;
  /** Below this many stored queries the search is exact (brute force); above it an inverted-file index is built. */
  exactBelow: number;
  /** Inverted lists (0 = about sqrt(queries)). */
  lists: number;
  /** Lists searched per prediction. */
  probes: number;
  kmeansIterations: number;
}

export const KNN_DEFAULTS: KnnHyperparams = {
  k: 40,
  shrinkage: 20,
  exactBelow: 3000,
  lists: 0,
  probes: 10,
  kmeansIterations: 8,
};

/**
 * kNN router: cosine neighbours among the training queries; per candidate a similarity-weighted mean of the
 * neighbours' performance and cost, shrunk toward the candidate's per-task mean (performance) and the cost model
 * (cost). Large sets use a coarse spherical k-means inverted-file index so one prediction scans a few lists.
 */
export class KnnRouter extends ContextRouter<KnnHyperparams> {
  readonly kind = 'knn' as const;
  private readonly count: number;

  constructor(
    context: RoutingContext,
    hyperparams: KnnHyperparams,
    seed: number,
    /** Stored queries x dimension, unit rows, grouped by inverted list. */
    private readonly vectors: Float32Array,
    /** Stored queries x candidates (NaN = not logged). */
    private readonly perf: Float32Array,
    private readonly cost: Float32Array,
    /** Inverted-list centroids (lists x dimension); empty for exact search. */
    private readonly centroids: Float32Array,
    /** Start of each list in the stored rows, plus the end (lists + 1 entries). */
    private readonly listStart: Int32Array,
  ) {
    super(context, hyperparams, seed);
    this.count = vectors.length / context.dimension;
  }

  static train(set: TrainingSet, hyperparams: Partial<KnnHyperparams> = {}, seed = 0): KnnRouter {
    const hp = resolveHyperparams('knn', KNN_DEFAULTS, hyperparams);
    if (hp.k < 1) throw DomainError.invalidArgument('hyperparams.k', 'must be at least 1');
    const context = RoutingContext.fit(set);
    const Q = set.queryIds.length;
    const D = set.dimension;
    const C = set.candidates.length;
    let order = Array.from({ length: Q }, (_, i) => i);
    let centroids: Float32Array = new Float32Array(0);
    let listStart = Int32Array.from([0, Q]);
    if (Q >= hp.exactBelow && Q > 1) {
      const lists = Math.max(2, Math.min(Q, hp.lists > 0 ? Math.round(hp.lists) : Math.round(Math.sqrt(Q))));
      const km = sphericalKMeans(set.embeddings, Q, D, lists, Math.round(hp.kmeansIterations), seed);
      centroids = km.centroids;
      order = order.sort((a, b) => km.assignment[a]! - km.assignment[b]! || a - b);
      listStart = new Int32Array(lists + 1);
      for (const q of order) listStart[km.assignment[q]! + 1]! += 1;
      for (let j = 0; j < lists; j++) listStart[j + 1]! += listStart[j]!;
    }
    const vectors = new Float32Array(Q * D);
    const perf = new Float32Array(Q * C);
    const cost = new Float32Array(Q * C);
    order.forEach((q, i) => {
      vectors.set(set.embeddings.subarray(q * D, (q + 1) * D), i * D);
      perf.set(set.performance.subarray(q * C, (q + 1) * C), i * C);
      cost.set(set.costUsd.subarray(q * C, (q + 1) * C), i * C);
    });
    return new KnnRouter(context, hp, seed, vectors, perf, cost, centroids, listStart);
  }

  static fromArtifact(artifact: RouterArtifact): KnnRouter {
    const context = RoutingContext.fromJSON(artifact.context);
    const hp = resolveHyperparams('knn', KNN_DEFAULTS, artifact.hyperparams as Partial<KnnHyperparams>);
    const m = artifact.model;
    const listStart = Int32Array.from(modelField(m, 'listStart', isNumberArray, 'an array of numbers'));
    const count = listStart[listStart.length - 1] ?? 0;
    const lists = listStart.length - 1;
    const D = context.dimension;
    const C = context.candidates.length;
    return new KnnRouter(
      context,
      hp,
      artifact.seed,
      decodeFloat32(modelField(m, 'vectors', isString, 'base64'), count * D, 'artifact.model.vectors'),
      decodeFloat32(modelField(m, 'perf', isString, 'base64'), count * C, 'artifact.model.perf'),
      decodeFloat32(modelField(m, 'cost', isString, 'base64'), count * C, 'artifact.model.cost'),
      decodeFloat32(
        modelField(m, 'centroids', isString, 'base64'),
        lists > 1 ? lists * D : 0,
        'artifact.model.centroids',
      ),
      listStart,
    );
  }

  protected modelJSON(): Record<string, unknown> {
    return {
      vectors: encodeFloat32(this.vectors),
      perf: encodeFloat32(this.perf),
      cost: encodeFloat32(this.cost),
      centroids: encodeFloat32(this.centroids),
      listStart: [...this.listStart],
    };
  }

  /** Indices and similarities of the nearest stored queries, best first. */
  neighbours(unit: Float32Array): { index: Int32Array; similarity: Float64Array; found: number } {
    const D = this.context.dimension;
    const k = Math.min(Math.round(this.hyperparams.k), this.count);
    const index = new Int32Array(k);
    const similarity = new Float64Array(k).fill(-Infinity);
    let found = 0;
    const consider = (row: number): void => {
      const s = dot(unit, 0, this.vectors, row * D, D);
      if (found === k && s <= similarity[k - 1]!) return;
      let i = found < k ? found++ : k - 1;
      while (i > 0 && similarity[i - 1]! < s) {
        similarity[i] = similarity[i - 1]!;
        index[i] = index[i - 1]!;
        i--;
      }
      similarity[i] = s;
      index[i] = row;
    };
    const lists = this.listStart.length - 1;
    if (lists <= 1) {
      for (let r = 0; r < this.count; r++) consider(r);
    } else {
      for (const j of this.probeLists(unit, lists)) {
        for (let r = this.listStart[j]!; r < this.listStart[j + 1]!; r++) consider(r);
      }
    }
    return { index, similarity, found };
  }

  private probeLists(unit: Float32Array, lists: number): Int32Array {
    const D = this.context.dimension;
    const p = Math.max(1, Math.min(lists, Math.round(this.hyperparams.probes)));
    const best = new Int32Array(p);
    const sims = new Float64Array(p).fill(-Infinity);
    let n = 0;
    for (let j = 0; j < lists; j++) {
      const s = dot(unit, 0, this.centroids, j * D, D);
      if (n === p && s <= sims[p - 1]!) continue;
      let i = n < p ? n++ : p - 1;
      while (i > 0 && sims[i - 1]! < s) {
        sims[i] = sims[i - 1]!;
        best[i] = best[i - 1]!;
        i--;
      }
      sims[i] = s;
      best[i] = j;
    }
    return best.subarray(0, n);
  }

  protected predictInto(
    unit: Float32Array,
    task: number,
    queryLength: number | undefined,
    out: PredictBuffers,
  ): boolean {
    const C = this.context.candidates.length;
    const kappa = this.hyperparams.shrinkage;
    const { index, similarity, found } = this.neighbours(unit);
    this.costFromModel(task, queryLength, out.cost);
    for (let c = 0; c < C; c++) {
      let wPerf = 0;
      let sPerf = 0;
      let wCost = 0;
      let sCost = 0;
      for (let i = 0; i < found; i++) {
        const w = similarity[i]! > 0 ? similarity[i]! : 0;
        const row = index[i]! * C + c;
        const p = this.perf[row]!;
        if (p === p) {
          wPerf += w;
          sPerf += w * p;
        }
        const k = this.cost[row]!;
        if (k === k) {
          wCost += w;
          sCost += w * k;
        }
      }
      const prior = this.context.perfMean[task * C + c]!;
      out.perf[c] = wPerf + kappa > 0 ? (sPerf + kappa * prior) / (wPerf + kappa) : prior;
      out.cost[c] = wCost + kappa > 0 ? (sCost + kappa * out.cost[c]!) / (wCost + kappa) : out.cost[c]!;
      out.confidence[c] = wPerf + kappa > 0 ? wPerf / (wPerf + kappa) : 0;
    }
    return true;
  }
}
