import { normalizeAnswer } from './answer-normalizer';
import { quote, scored, type MetricScore, type TextMetric } from './metric';

/** em: `norm(pred) == norm(gt)`. No known flaw, so both variants are the same. */
export const exactMatchMetric: TextMetric = {
  name: 'em',
  score(prediction: string, groundTruth: string): MetricScore {
    const p = normalizeAnswer(prediction);
    const g = normalizeAnswer(groundTruth);
    return scored(p === g, `normalised response ${quote(p)} is not ${quote(g)}`);
  },
};
