import { describe, expect, it } from 'vitest';
import { dcgAtK, hitAtK, ndcgAtK, reciprocalRank } from './ranking-metrics';

const T = true;
const F = false;

describe('ranking metrics (binary relevance, hand-computed)', () => {
  it.each([
    // relevance, k, relevantCount, ndcg, hit
    { rel: [T, F, F], k: 1, count: 1, ndcg: 1, hit: 1 },
    { rel: [F, T, F], k: 1, count: 1, ndcg: 0, hit: 0 },
    { rel: [F, T, F], k: 3, count: 1, ndcg: 1 / Math.log2(3), hit: 1 },
    // two relevant at ranks 1 and 3: DCG = 1 + 1/2, IDCG = 1 + 1/log2(3)
    { rel: [T, F, T], k: 3, count: 2, ndcg: 1.5 / (1 + 1 / Math.log2(3)), hit: 1 },
    { rel: [F, F, F, F, F, T], k: 5, count: 1, ndcg: 0, hit: 0 },
    { rel: [F, F, F, F, T], k: 5, count: 1, ndcg: 1 / Math.log2(6), hit: 1 },
    { rel: [F, F], k: 3, count: 0, ndcg: 0, hit: 0 },
  ])('NDCG@$k and Hit@$k of $rel', ({ rel, k, count, ndcg, hit }) => {
    expect(ndcgAtK(rel, k, count)).toBeCloseTo(ndcg, 10);
    expect(hitAtK(rel, k)).toBe(hit);
  });

  it('NDCG@3 of [T, F, T] with 2 relevant is 0.9197', () => {
    expect(ndcgAtK([T, F, T], 3, 2)).toBeCloseTo(0.91972, 4);
  });

  it('a relevant item the list never ranks still counts in the ideal DCG', () => {
    // One of two relevant items ranked first: DCG@3 = 1, IDCG@3 = 1 + 1/log2(3).
    expect(ndcgAtK([T, F, F], 3, 2)).toBeCloseTo(1 / (1 + 1 / Math.log2(3)), 10);
  });

  it.each([
    { rel: [T, F], mrr: 1 },
    { rel: [F, T], mrr: 0.5 },
    { rel: [F, F, F, F, F, T], mrr: 1 / 6 },
    { rel: [F, F], mrr: 0 },
    { rel: [], mrr: 0 },
  ])('MRR of $rel is $mrr', ({ rel, mrr }) => {
    expect(reciprocalRank(rel)).toBeCloseTo(mrr, 12);
  });

  it('DCG discounts by log2(rank + 1)', () => {
    expect(dcgAtK([T, T, T], 3)).toBeCloseTo(1 + 1 / Math.log2(3) + 0.5, 12);
  });
});
