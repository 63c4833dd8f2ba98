import { describe, expect, it } from 'vitest';
import { normalizeAnswer, pySplit } from './answer-normalizer';
import { coverExactMatchMetric } from './cover-exact-match.metric';
import { exactMatchMetric } from './exact-match.metric';
import { MetricError, type MetricVariant } from './metric';
import { tokenF1, tokenF1Metric } from './token-f1.metric';

describe('normalizeAnswer (reference normalize_answer)', () => {
  it.each([
    ['The Eiffel Tower!', 'eiffel tower'],
    ['  An   apple a day ', 'apple day'],
    ["Don't", 'dont'],
    ['theatre', 'theatre'], // "the" only as a whole word
    ['Été, the café', 'été café'], // articles are whole Unicode words; accents kept
    ['a\u00a0b\u3000c', 'b c'], // Python str.split() whitespace
    ['1,000.5', '10005'],
    ['', ''],
  ])('%j -> %j', (input, expected) => {
    expect(normalizeAnswer(input)).toBe(expected);
  });

  it('splits on the whitespace Python splits on', () => {
    expect(pySplit('a\x1cb\x85c\ufeffd')).toEqual(['a', 'b', 'c\ufeffd']);
  });
});

describe('em', () => {
  it.each<[string, string, number]>([
    ['Paris', 'paris', 1],
    ['The Paris.', 'Paris', 1],
    ['Paris, France', 'Paris', 0],
    ['', '', 1],
  ])('em(%j, %j) = %d in both variants', (pred, gt, expected) => {
    for (const v of ['fixed', 'paper'] as MetricVariant[])
      expect(exactMatchMetric.score(pred, gt, v).score).toBe(expected);
  });
});

describe('cem', () => {
  it.each<[string, string, number, number]>([
    // pred, gt, fixed, paper
    ['Paris', 'paris', 1, 1],
    ['The capital is Paris, France.', 'Paris', 1, 1],
    ['I know the answer', 'no', 0, 1], // paper: "no" is a substring of "know"
    ['It is not true', 'no', 0, 1], // paper: substring of "not"
    ['No, it is not.', 'no', 1, 1],
    ['False', 'False', 1, 1],
    ['It is false.', 'False', 1, 1],
    ['Barack Obama was president', 'Barack Obama', 1, 1],
    ['Obama Barack', 'Barack Obama', 0, 0],
    ['New Yorker', 'New York', 0, 1],
    ['the united states of america', 'United States', 1, 1],
  ])('cem(%j, %j): fixed %d, paper %d', (pred, gt, fixed, paper) => {
    expect(coverExactMatchMetric.score(pred, gt, 'fixed').score).toBe(fixed);
    expect(coverExactMatchMetric.score(pred, gt, 'paper').score).toBe(paper);
  });

  it('paper scores any response 1 against an empty ground truth; fixed refuses to judge', () => {
    expect(coverExactMatchMetric.score('anything', 'The', 'paper').score).toBe(1);
    expect(() => coverExactMatchMetric.score('anything', 'The', 'fixed')).toThrow(MetricError);
    expect(() => coverExactMatchMetric.score('anything', '!!', 'fixed')).toThrow(
      /groundTruth: normalises to an empty/,
    );
  });

  it('says why a miss is a miss', () => {
    expect(coverExactMatchMetric.score('I know', 'no', 'fixed').reason).toContain(
      '"no" does not occur as whole words',
    );
  });
});

describe('f1 (SQuAD token F1)', () => {
  it.each<[string, string, number]>([
    ['the cat sat', 'cat sat', 1],
    ['cat', 'cat sat', 2 / 3],
    ['cat cat cat', 'cat', 0.5], // precision 1/3, recall 1
    ['dog', 'cat', 0],
    ['yes', 'yes', 1],
    ['yes it is', 'yes', 0], // yes/no/noanswer must match exactly
    ['no', 'no way', 0],
    ['noanswer', 'noanswer', 1],
    ['', 'cat', 0],
  ])('f1(%j, %j) = %f', (pred, gt, expected) => {
    expect(tokenF1Metric.score(pred, gt, 'fixed').score).toBeCloseTo(expected, 12);
    expect(tokenF1Metric.score(pred, gt, 'paper').score).toBeCloseTo(expected, 12);
  });

  it('reports precision and recall', () => {
    expect(tokenF1('the cat', 'cat mat dog')).toEqual({ f1: 0.5, precision: 1, recall: 1 / 3 });
    expect(tokenF1('a cat on a mat', 'cat mat dog').f1).toBeCloseTo(2 / 3, 12); // articles dropped: 2 of 3 tokens
  });
});
