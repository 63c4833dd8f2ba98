import {
  HendrycksError,
  isEquiv,
  lastBoxedContent,
  paperLastBoxedOnlyString,
  paperRemoveBoxed,
} from './hendrycks-math';
import { MetricError, quote, scored, type MetricScore, type MetricVariant, type TextMetric } from './metric';

function paperGold(groundTruth: string): string {
  const boxed = paperLastBoxedOnlyString(groundTruth);
  if (boxed === null) throw new MetricError('groundTruth', 'MATH reference solution has no \\boxed{} answer');
  try {
    return paperRemoveBoxed(boxed);
  } catch (err) {
    if (err instanceof HendrycksError) {
      throw new MetricError(
        'groundTruth',
        `MATH reference answer ${quote(boxed)} is not a \\boxed{} the paper reads`,
      );
    }
    throw err;
  }
}

/**
 * MATH. Both variants compare with Hendrycks `is_equiv`. `paper`: the reference extraction, where any
 * "\boxed " (with a space) wins over a later "\boxed{}", and a `\fbox{}` answer always scores 0 (its
 * `remove_boxed` only accepts `\boxed`). `fixed`: the last box of any form wins and `\fbox{}` is read.
 */
export const mathMetric: TextMetric = {
  name: 'math',
  score(prediction: string, groundTruth: string, variant: MetricVariant): MetricScore {
    if (variant === 'paper') {
      const gold = paperGold(groundTruth);
      const boxed = paperLastBoxedOnlyString(prediction);
      if (boxed === null) return { score: 0, reason: 'no \\boxed{} answer in the response' };
      let answer: string;
      try {
        answer = paperRemoveBoxed(boxed);
      } catch (err) {
        if (err instanceof HendrycksError)
          return { score: 0, reason: `cannot unbox ${quote(boxed)} (${err.message})` };
        throw err;
      }
      return scored(isEquiv(answer, gold), `boxed ${quote(answer)} is not equivalent to ${quote(gold)}`);
    }
    const gold = lastBoxedContent(groundTruth);
    if (gold === null)
      throw new MetricError('groundTruth', 'MATH reference solution has no \\boxed{} answer');
    const answer = lastBoxedContent(prediction);
    if (answer === null) return { score: 0, reason: 'no \\boxed{} answer in the response' };
    return scored(isEquiv(answer, gold), `boxed ${quote(answer)} is not equivalent to ${quote(gold)}`);
  },
};
