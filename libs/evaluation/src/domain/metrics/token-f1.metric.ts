import { normalizeAnswer } from './answer-normalizer';
import type { MetricScore, TextMetric } from './metric';

const SPECIAL = new Set(['yes', 'no', 'noanswer']);

/** SQuAD token F1 and its precision/recall, as the reference `f1_score`. */
export function tokenF1(
  prediction: string,
  groundTruth: string,
): { f1: number; precision: number; recall: number } {
  const p = normalizeAnswer(prediction);
  const g = normalizeAnswer(groundTruth);
  const zero = { f1: 0, precision: 0, recall: 0 };
  // yes/no/noanswer must match exactly: partial overlap with them is meaningless.
  if ((SPECIAL.has(p) || SPECIAL.has(g)) && p !== g) return zero;
  const pt = p === '' ? [] : p.split(' ');
  const gt = g === '' ? [] : g.split(' ');
  const counts = new Map<string, number>();
  for (const t of gt) counts.set(t, (counts.get(t) ?? 0) + 1);
  let same = 0;
  for (const t of pt) {
    const c = counts.get(t) ?? 0;
    if (c > 0) {
      same += 1;
      counts.set(t, c - 1);
    }
  }
  if (same === 0) return zero;
  const precision = same / pt.length;
  const recall = same / gt.length;
  return { f1: (2 * precision * recall) / (precision + recall), precision, recall };
}

/** f1 (the log's `f1_score`). No known flaw, so both variants are the same. */
export const tokenF1Metric: TextMetric = {
  name: 'f1',
  score(prediction: string, groundTruth: string): MetricScore {
    const { f1 } = tokenF1(prediction, groundTruth);
    return { score: f1, reason: f1 === 0 ? 'no token overlap (or a yes/no/noanswer mismatch)' : null };
  },
};
