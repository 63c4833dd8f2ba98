import { SeededRandom } from '@fusion/shared/kernel';
import { buildTrainingSet, type RoutingSample, type TrainingSet } from '../training-set';

/**
 * A small log where the right answers are known (for specs). 16-d embeddings; two tasks:
 * - `math` (direction 0) has two kinds of query: cluster A (direction 2) where `strong` is right 90% of the time
 *   and `alt` 30%, cluster B (direction 3) the other way round;
 * - `code` (direction 1), where `coder:think` is right 99% of the time at 10x the cost of `coder` (80%).
 * `cheap` is right half the time on math and 30% on code, at 1% of the others' cost. Cost grows with length.
 */
export const SYNTHETIC_DIM = 16;

export interface SyntheticQuery {
  queryId: string;
  task: 'math' | 'code';
  cluster: 'A' | 'B' | null;
  embedding: Float32Array;
  length: number;
}

const SUCCESS: Record<string, { A: number; B: number; code: number; cost: number }> = {
  strong: { A: 0.9, B: 0.3, code: 0.2, cost: 0.01 },
  alt: { A: 0.3, B: 0.9, code: 0.2, cost: 0.01 },
  coder: { A: 0.2, B: 0.2, code: 0.8, cost: 0.01 },
  'coder:think': { A: 0.2, B: 0.2, code: 0.99, cost: 0.1 },
  cheap: { A: 0.5, B: 0.5, code: 0.3, cost: 0.0001 },
};
export const SYNTHETIC_CANDIDATES = Object.keys(SUCCESS).sort();

export function syntheticQuery(
  rng: SeededRandom,
  task: 'math' | 'code',
  cluster: 'A' | 'B' | null,
  id: string,
): SyntheticQuery {
  const e = new Float32Array(SYNTHETIC_DIM);
  for (let d = 0; d < SYNTHETIC_DIM; d++) e[d] = 0.15 * rng.normal();
  e[task === 'math' ? 0 : 1] = e[task === 'math' ? 0 : 1]! + 1;
  if (cluster === 'A') e[2] = e[2]! + 0.8;
  if (cluster === 'B') e[3] = e[3]! + 0.8;
  return { queryId: id, task, cluster, embedding: e, length: 200 + Math.floor(rng.next() * 300) };
}

export function syntheticQueries(seed: number, perCluster: number, prefix = 'q'): SyntheticQuery[] {
  const rng = new SeededRandom(seed);
  const out: SyntheticQuery[] = [];
  for (let i = 0; i < perCluster; i++) {
    out.push(syntheticQuery(rng, 'math', 'A', `${prefix}-mA-${i}`));
    out.push(syntheticQuery(rng, 'math', 'B', `${prefix}-mB-${i}`));
    out.push(syntheticQuery(rng, 'code', null, `${prefix}-c-${i}`));
  }
  return out;
}

export function syntheticSamples(queries: readonly SyntheticQuery[], seed: number): RoutingSample[] {
  const rng = new SeededRandom(seed);
  const samples: RoutingSample[] = [];
  for (const q of queries) {
    for (const candidate of SYNTHETIC_CANDIDATES) {
      const s = SUCCESS[candidate]!;
      const p = q.task === 'code' ? s.code : q.cluster === 'A' ? s.A : s.B;
      samples.push({
        queryId: q.queryId,
        taskName: q.task,
        taskDomain: q.task,
        query: 'x'.repeat(q.length),
        candidate,
        performance: rng.next() < p ? 1 : 0,
        costUsd: s.cost * (q.length / 300),
        judgeScore: null,
      });
    }
  }
  return samples;
}

export function syntheticTrainingSet(
  seed = 1,
  perCluster = 120,
): { set: TrainingSet; queries: SyntheticQuery[] } {
  const queries = syntheticQueries(seed, perCluster);
  const byId = new Map(queries.map((q) => [q.queryId, q.embedding]));
  return { set: buildTrainingSet(syntheticSamples(queries, seed + 1), (id) => byId.get(id)), queries };
}
