import { SeededRandom, stableHash } from '@fusion/shared/kernel';
import { type Baseline, type BaselineRanking } from './baseline';

/**
 * Uniformly random order per query, seeded by (seed, queryId): the same query always gets the same order,
 * whatever batch it comes in.
 */
export class RandomBaseline implements Baseline {
  readonly name = 'random';

  constructor(
    readonly candidates: readonly string[],
    readonly seed: number,
  ) {}

  rank(query: { queryId: string }): BaselineRanking[] {
    const rng = new SeededRandom(parseInt(stableHash([String(this.seed), query.queryId], 8), 16));
    const order = rng.shuffle([...this.candidates]);
    return order.map((candidate, i) => ({
      candidate,
      predictedPerformance: 0,
      predictedCostUsd: 0,
      score: order.length - i,
    }));
  }
}
