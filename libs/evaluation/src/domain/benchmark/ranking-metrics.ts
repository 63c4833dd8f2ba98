/**
 * Ranking metrics over binary relevance (§3.4), given the relevance of a ranked list, best first.
 * `relevantCount` is how many relevant items exist in all (for the ideal DCG); ties in the true reward make
 * several candidates relevant.
 */
export function dcgAtK(relevance: readonly boolean[], k: number): number {
  let dcg = 0;
  for (let i = 0; i < Math.min(k, relevance.length); i++) {
    if (relevance[i]) dcg += 1 / Math.log2(i + 2);
  }
  return dcg;
}

/** DCG@k / IDCG@k, where the ideal list puts all `relevantCount` relevant items first; 0 when nothing is relevant. */
export function ndcgAtK(relevance: readonly boolean[], k: number, relevantCount: number): number {
  let ideal = 0;
  for (let i = 0; i < Math.min(k, relevantCount); i++) ideal += 1 / Math.log2(i + 2);
  return ideal > 0 ? dcgAtK(relevance, k) / ideal : 0;
}

/** 1 when any of the top k is relevant, else 0. */
export function hitAtK(relevance: readonly boolean[], k: number): number {
  return relevance.slice(0, k).some(Boolean) ? 1 : 0;
}

/** 1 / (1-based rank of the first relevant item), or 0 when none is ranked. */
export function reciprocalRank(relevance: readonly boolean[]): number {
  const i = relevance.indexOf(true);
  return i < 0 ? 0 : 1 / (i + 1);
}
