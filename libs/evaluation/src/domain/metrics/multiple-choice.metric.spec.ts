import { describe, expect, it } from 'vitest';
import { MetricError } from './metric';
import { extractOptionLetter, multipleChoiceMetric, paperMcExtract } from './multiple-choice.metric';

describe('em_mc', () => {
  it.each<[string, string, number, number]>([
    // response, gt, fixed, paper
    ['The answer is (B).', 'B', 1, 1],
    ['( b )', 'B', 1, 1],
    ['(A) is tempting, but the answer is (C)', 'C', 1, 1], // last parenthesised letter
    ['The answer is (C). (A) is wrong.', 'C', 0, 0], // both take the last one; documented limitation
    ['B', 'B', 1, 0], // bare letter: paper needs parentheses
    ['**B**', 'B', 1, 0],
    ['Let me think.\nThe answer: B.', 'B', 1, 0],
    ['Answer: **D**', 'D', 1, 0],
    ['The correct option is C because it conserves energy.', 'C', 1, 0],
    ['The answer is A lot more complicated', 'A', 0, 0], // "A lot" is English, not option A
    ['(B) is correct; the other answer(s) are wrong', 'B', 1, 0], // paper reads "(s)" as option S
    ['(B) is correct; the other answer(s) are wrong', 'S', 0, 1],
    ['Option (e) is right', 'E', 1, 1], // CommonsenseQA has five options
    ['I am not sure.', 'A', 0, 0],
    ['', 'A', 0, 0],
  ])('em_mc(%j, gt %j): fixed %d, paper %d', (response, gt, fixed, paper) => {
    expect(multipleChoiceMetric.score(response, gt, 'fixed').score).toBe(fixed);
    expect(multipleChoiceMetric.score(response, gt, 'paper').score).toBe(paper);
  });

  it('paper uses a substring test, so an empty gt matches anything', () => {
    expect(multipleChoiceMetric.score('no letter at all', '', 'paper').score).toBe(1);
    expect(() => multipleChoiceMetric.score('no letter at all', '', 'fixed')).toThrow(MetricError);
  });

  it('fixed accepts "(B)" as the ground truth and rejects a non-letter one', () => {
    expect(multipleChoiceMetric.score('(b)', '(B)', 'fixed').score).toBe(1);
    expect(() => multipleChoiceMetric.score('(b)', 'Paris', 'fixed')).toThrow(/single option letter/);
  });

  it('extracts the raw last parenthesised match as the reference does', () => {
    expect(paperMcExtract('(a) then ( C )')).toBe('( C )');
    expect(paperMcExtract('none')).toBe('');
  });

  it.each([
    ['(B)', 'B', 'parenthesised'],
    ['answer is D', 'D', 'statement'],
    ['Reasoning...\n\n"C"', 'C', 'bare-line'],
    ['[B]', 'B', 'bare-line'],
  ])('extractOptionLetter(%j) = %s from %s', (text, letter, source) => {
    expect(extractOptionLetter(text)).toEqual({ letter, source });
  });

  it('explains a miss', () => {
    expect(multipleChoiceMetric.score('(A)', 'B', 'fixed').reason).toBe(
      'response chose A (parenthesised), expected B',
    );
    expect(multipleChoiceMetric.score('B', 'B', 'paper').reason).toBe(
      'no parenthesised option letter in the response',
    );
  });
});
