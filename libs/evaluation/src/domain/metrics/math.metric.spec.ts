import { describe, expect, it } from 'vitest';
import { mathMetric } from './math.metric';
import { MetricError } from './metric';

const GT_HALF = 'The probability is $\\boxed{\\frac{1}{2}}$.';

describe('math', () => {
  it.each<[string, string, string, number, number]>([
    // label, response, gt, fixed, paper
    ['same boxed', 'So \\boxed{5}.', 'Thus $\\boxed{5}$.', 1, 1],
    ['boxed fraction vs \\frac12', '$\\boxed{\\frac12}$', GT_HALF, 1, 1],
    ['boxed dfrac', '\\boxed{\\dfrac{1}{2}}', GT_HALF, 1, 1],
    ['0.5 is \\frac{1}{2}', '\\boxed{0.5}', GT_HALF, 1, 1],
    ['a/b is \\frac{a}{b}', '\\boxed{1/2}', GT_HALF, 1, 1],
    ['nested braces', '\\boxed{\\frac{\\sqrt{3}}{2}}', '\\boxed{\\frac{\\sqrt3}{2}}', 1, 1],
    ['last box counts', '\\boxed{3} no wait \\boxed{5}', '\\boxed{5}', 1, 1],
    ['x = prefix dropped', '\\boxed{x = 5}', '\\boxed{5}', 1, 1],
    ['units after \\text{ }', '\\boxed{5 \\text{ cm}}', '\\boxed{5}', 1, 1],
    ['degrees', '\\boxed{90^\\circ}', '\\boxed{90}', 1, 1],
    ['\\left( \\right)', '\\boxed{\\left(1,2\\right)}', '\\boxed{(1,2)}', 1, 1],
    ['dollar sign', '\\boxed{\\$18}', '\\boxed{18}', 1, 1],
    ['percent', '\\boxed{50\\%}', '\\boxed{50}', 1, 1],
    ['leading zero', '\\boxed{.25}', '\\boxed{0.25}', 1, 1],
    ['\\fbox (paper: remove_boxed rejects it)', 'answer: \\fbox{7}', '\\boxed{7}', 1, 0],
    ['\\boxed x', 'The answer is $\\boxed 7$', '\\boxed{7}', 1, 1],
    [
      '"\\boxed " wins in paper even before a later \\boxed{}',
      'first \\boxed 3 then \\boxed{5}',
      '\\boxed{5}',
      1,
      0,
    ],
    ['wrong value', '\\boxed{6}', '\\boxed{5}', 0, 0],
    ['no box', 'The answer is 5', '\\boxed{5}', 0, 0],
    ['unbalanced box', '\\boxed{5', '\\boxed{5}', 0, 0],
  ])('%s: fixed %d, paper %d', (_label, response, gt, fixed, paper) => {
    expect(mathMetric.score(response, gt, 'fixed').score).toBe(fixed);
    expect(mathMetric.score(response, gt, 'paper').score).toBe(paper);
  });

  it('cannot judge against a reference without \\boxed{}', () => {
    for (const v of ['fixed', 'paper'] as const) {
      expect(() => mathMetric.score('\\boxed{5}', 'The answer is 5', v)).toThrow(MetricError);
    }
  });

  it('explains a miss', () => {
    expect(mathMetric.score('\\boxed{6}', '\\boxed{5}', 'fixed').reason).toBe(
      'boxed "6" is not equivalent to "5"',
    );
    expect(mathMetric.score('\\fbox{7}', '\\boxed{7}', 'paper').reason).toMatch(
      /cannot unbox "\\\\fbox\{7\}"/,
    );
  });
});
