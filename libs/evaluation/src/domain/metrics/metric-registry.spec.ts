import { describe, expect, it } from 'vitest';
import { ErrorCode } from '@fusion/shared/kernel';
import { MetricError } from './metric';
import { METRIC_REGISTRY, resolveMetric, resolveVariant, scoreText } from './metric-registry';

describe('metric registry', () => {
  it('knows every metric with both variants, fixed by default', () => {
    expect(METRIC_REGISTRY.map((d) => d.name)).toEqual([
      'em',
      'cem',
      'em_mc',
      'f1',
      'gsm8k',
      'math',
      'code_eval',
    ]);
    for (const d of METRIC_REGISTRY) expect(d.variants).toEqual(['fixed', 'paper']);
    expect(resolveVariant(undefined)).toBe('fixed');
  });

  it.each([
    ['GSM8K', 'gsm8k'],
    ['MATH', 'math'],
    ['f1_score', 'f1'],
    [' em_mc ', 'em_mc'],
    ['code_eval', 'code_eval'],
  ])('resolves the log spelling %j to %s', (name, expected) => {
    expect(resolveMetric(name).name).toBe(expected);
  });

  it('rejects an unknown metric with INVALID_ARGUMENT naming the supported ones', () => {
    let caught: unknown;
    try {
      resolveMetric('rouge');
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(MetricError);
    const err = caught as MetricError;
    expect(err.code).toBe(ErrorCode.InvalidArgument);
    expect(err.violations[0]?.field).toBe('metric');
    expect(err.message).toBe(
      'metric: unknown metric "rouge"; supported: em, cem, em_mc, f1, gsm8k, math, code_eval (aliases: f1_score, GSM8K, MATH)',
    );
  });

  it('says why bert_score is not there', () => {
    expect(() => resolveMetric('bert_score')).toThrow(/bert_score needs a BERT model.*supported: em, cem/);
  });

  it('rejects an unknown variant', () => {
    expect(() => resolveVariant('strict')).toThrow(
      'variant: unknown metric variant "strict"; supported: fixed, paper',
    );
  });

  it('scores text metrics and refuses code_eval without a sandbox', () => {
    expect(scoreText('GSM8K', 'The answer is 18.00', '#### 18')).toEqual({
      score: 1,
      reason: null,
      metric: 'gsm8k',
      variant: 'fixed',
    });
    expect(scoreText('GSM8K', 'The answer is 18.00', '#### 18', 'paper').score).toBe(0);
    expect(() => scoreText('code_eval', 'x', 'y')).toThrow(/CodeSandbox/);
  });
});
