import { describe, expect, it } from 'vitest';
import { extractGsm8kNumber, gsm8kGold, gsm8kMetric } from './gsm8k.metric';
import { MetricError } from './metric';

const GT =
  'Natalia sold 48/2 = <<48/2=24>>24 clips in May.\nNatalia sold 48+24 = <<48+24=72>>72 clips.\n#### 72';

describe('gsm8k', () => {
  it.each<[string, string, string, number, number]>([
    // label, response, gt, fixed, paper
    ['plain', 'She sold 72 clips.', GT, 1, 1],
    ['18.00 vs 18 (paper flaw: "." deleted)', 'The answer is 18.00', '#### 18', 1, 0],
    ['18 vs 18.00 in the gt', 'The answer is 18', '#### 18.00', 1, 0],
    ['trailing period', 'So the total is 18.', '#### 18', 1, 1],
    ['dollar sign', 'It costs $18.', '#### 18', 1, 1],
    ['thousands commas', 'The answer is 1,200', '#### 1200', 1, 1],
    ['commas and dollars in the gt', 'The answer is 1200', '#### $1,200', 1, 1],
    ['negative', 'The temperature fell to -5 degrees', '#### -5', 1, 1],
    ['decimal', 'Each costs 2.5 dollars', '#### 2.5', 1, 1],
    ['0.5 vs .5 (paper: "05" vs "5")', 'Each costs .5 dollars', '#### 0.5', 1, 0],
    ['paper takes the last number', 'The answer is 72. (That took me 3 minutes.)', GT, 1, 0],
    ['#### in the response', 'Reasoning... 3 + 4 = 7\n#### 72\nCheck: 8 * 9 = 72, so 9 boxes', GT, 1, 0],
    ['boxed in the response', 'so \\boxed{72} clips, in 2 months', GT, 1, 0],
    ['wrong number', 'The answer is 71', GT, 0, 0],
    ['no number', 'I cannot tell.', GT, 0, 0],
    ['only a dot (paper keeps it, then deletes it)', 'Well.', '#### 5', 0, 0],
  ])('%s: fixed %d, paper %d', (_label, response, gt, fixed, paper) => {
    expect(gsm8kMetric.score(response, gt, 'fixed').score).toBe(fixed);
    expect(gsm8kMetric.score(response, gt, 'paper').score).toBe(paper);
  });

  it('paper: a lone "," is the last match and compares as ""', () => {
    // "-?[0-9.,]+" matches ","; only "" and "." are skipped, so "," wins and strips to "".
    expect(gsm8kMetric.score('I got 5, then ,', '#### 5', 'paper').score).toBe(0);
  });

  it('explains what it read', () => {
    expect(gsm8kMetric.score('The answer is 71', GT, 'fixed').reason).toBe(
      'read 71 (answer statement), expected 72',
    );
    expect(gsm8kMetric.score('The answer is 18.00', '#### 18', 'paper').reason).toBe(
      'last number "18.00" -> "1800", expected "18"',
    );
  });

  it.each([
    ['The answer is 7, not 8', 7, 'answer statement'],
    ['3 apples and 4 pears make 7', 7, 'last number'],
    ['#### $1,000,000', 1_000_000, '####'],
    ['\\boxed{-3.5}', -3.5, 'boxed'],
    ['It is \u22124 degrees', -4, 'last number'],
  ])('extractGsm8kNumber(%j) = %d via %s', (text, value, source) => {
    expect(extractGsm8kNumber(text)).toEqual({ value, source });
  });

  it('reads the gold number after the last ####, or a bare number', () => {
    expect(gsm8kGold('a #### 3 #### 4')).toBe(4);
    expect(gsm8kGold('42')).toBe(42);
    expect(() => gsm8kGold('#### none')).toThrow(MetricError);
    expect(() => gsm8kMetric.score('5', 'no number here', 'fixed')).toThrow(/groundTruth: no number/);
  });
});
