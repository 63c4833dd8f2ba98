import { normalizeAnswer } from './answer-normalizer';
import { MetricError, quote, scored, type MetricScore, type MetricVariant, type TextMetric } from './metric';

/**
 * cem (cover exact match). `paper`: 1 if norm(gt) equals norm(pred) or is a character substring of it, so gt
 * "no" matches "know" and an empty gt matches everything. `fixed`: norm(gt) must appear as whole words
 * (a contiguous run of tokens) in norm(pred), and a gt that normalises to nothing is rejected.
 */
export const coverExactMatchMetric: TextMetric = {
  name: 'cem',
  score(prediction: string, groundTruth: string, variant: MetricVariant): MetricScore {
    const p = normalizeAnswer(prediction);
    const g = normalizeAnswer(groundTruth);
    if (variant === 'paper') {
      return scored(p === g || p.includes(g), `${quote(g)} is not a substring of the normalised response`);
    }
    if (g === '')
      throw new MetricError('groundTruth', 'normalises to an empty answer; cem cannot judge against it');
    // Both sides are single-space joined tokens, so padding with spaces makes includes() a word-boundary test.
    return scored(
      ` ${p} `.includes(` ${g} `),
      `${quote(g)} does not occur as whole words in the normalised response`,
    );
  },
};
