import { SeededRandom } from '@fusion/shared/kernel';
import { dot, unitCopy } from './vector-math';

/**
 * Seeded spherical k-means over unit rows (cosine). Returns unit centroids and each row's cluster.
 * Used as the coarse quantiser of the kNN router's inverted-file index.
 */
export function sphericalKMeans(
  rows: Float32Array,
  n: number,
  dim: number,
  k: number,
  iterations: number,
  seed: number,
): { centroids: Float32Array; assignment: Int32Array } {
  const rng = new SeededRandom(seed);
  const order = rng.shuffle(Array.from({ length: n }, (_, i) => i));
  const centroids = new Float32Array(k * dim);
  for (let j = 0; j < k; j++) centroids.set(rows.subarray(order[j]! * dim, (order[j]! + 1) * dim), j * dim);
  const assignment = new Int32Array(n);
  const sums = new Float64Array(k * dim);
  const counts = new Int32Array(k);
  for (let it = 0; it <= iterations; it++) {
    let changed = 0;
    for (let i = 0; i < n; i++) {
      let best = 0;
      let bestSim = -Infinity;
      for (let j = 0; j < k; j++) {
        const s = dot(rows, i * dim, centroids, j * dim, dim);
        if (s > bestSim) {
          bestSim = s;
          best = j;
        }
      }
      if (assignment[i] !== best || it === 0) changed++;
      assignment[i] = best;
    }
    if (it === iterations || changed === 0) break;
    sums.fill(0);
    counts.fill(0);
    for (let i = 0; i < n; i++) {
      const j = assignment[i]!;
      counts[j]! += 1;
      for (let d = 0; d < dim; d++) sums[j * dim + d]! += rows[i * dim + d]!;
    }
    // An emptied cluster keeps its old centroid.
    for (let j = 0; j < k; j++) if (counts[j]! > 0) centroids.set(unitCopy(sums, j * dim, dim), j * dim);
  }
  return { centroids, assignment };
}
