import { describe, expect, it } from 'vitest';
import {
  HendrycksError,
  isEquiv,
  lastBoxedContent,
  paperLastBoxedOnlyString,
  paperRemoveBoxed,
  stripString,
} from './hendrycks-math';

describe('stripString (Hendrycks strip_string)', () => {
  it.each([
    // 1. newlines, inverse spaces, double backslash
    ['1\n2', '12'],
    ['a\\!b', 'ab'],
    ['\\\\frac{1}{2}', '\\frac{1}{2}'],
    // 2. tfrac/dfrac
    ['\\tfrac{1}{2}', '\\frac{1}{2}'],
    // 3. \left \right, degrees, \$ (and \% after the unit cut)
    ['\\left(1\\right)', '(1)'],
    ['30^{\\circ}', '30'],
    ['\\$5', '5'],
    ['5\\%', '5'],
    // 4. unit after "\text{ "
    ['10 \\text{ meters}', '10'],
    // 5. leading zeros
    ['.5', '\\frac{1}{2}'],
    ['{.3}', '{0.3}'],
    ['x .3', 'x0.3'],
    // 6. short left side of "="
    ['k = 7', '7'],
    ['abc = 7', 'abc=7'],
    // 7. sqrt and spaces
    ['\\sqrt3', '\\sqrt{3}'],
    ['\\sqrt {3} + 1', '\\sqrt{}{3}+1'], // the reference braces the space before dropping spaces
    // 8. frac bracing
    ['\\frac12', '\\frac{1}{2}'],
    ['\\frac1{72}', '\\frac{1}{72}'],
    ['\\frac{72}1', '\\frac{72}1'],
    // 9. 0.5 and a/b
    ['0.5', '\\frac{1}{2}'],
    ['3/4', '\\frac{3}{4}'],
    ['-3/4', '\\frac{-3}{4}'],
    ['03/4', '03/4'], // not canonical ints: left alone
    ['', ''],
  ])('%j -> %j', (input, expected) => {
    expect(stripString(input)).toBe(expected);
  });

  it.each([
    ['x/y', 'int("x") raises ValueError'],
    ['1 \\text{ a} + 2 \\text{ b}', 'two units: assertion'],
    ['2\\sqrt', 'IndexError in fix_sqrt'],
    ['\\frac', 'IndexError in fix_fracs'],
  ])('throws where the reference raises: %j (%s)', (input) => {
    expect(() => stripString(input)).toThrow(HendrycksError);
  });

  it('isEquiv falls back to raw equality when strip_string raises', () => {
    expect(isEquiv('x/y', 'x/y')).toBe(true);
    expect(isEquiv('x/y', 'x / y')).toBe(false);
    expect(isEquiv(null, null)).toBe(true);
    expect(isEquiv('1', null)).toBe(false);
    expect(isEquiv('\\frac12', '0.5')).toBe(true);
  });
});

describe('boxed extraction', () => {
  it.each([
    ['$\\boxed{\\frac{1}{2}}$', '\\boxed{\\frac{1}{2}}'],
    ['\\boxed{1} and \\boxed{2}', '\\boxed{2}'],
    ['\\fbox{3}', '\\fbox{3}'],
    ['\\boxed 4$ and \\boxed{5}', '\\boxed 4'],
    ['no box', null],
    ['\\boxed{open', null],
  ])('paperLastBoxedOnlyString(%j) = %j', (input, expected) => {
    expect(paperLastBoxedOnlyString(input)).toBe(expected);
  });

  it('paperRemoveBoxed unwraps \\boxed{} and "\\boxed " but throws on \\fbox', () => {
    expect(paperRemoveBoxed('\\boxed{\\frac{1}{2}}')).toBe('\\frac{1}{2}');
    expect(paperRemoveBoxed('\\boxed 4')).toBe('4');
    expect(() => paperRemoveBoxed('\\fbox{3}')).toThrow(HendrycksError);
  });

  it.each([
    ['$\\boxed{\\frac{1}{2}}$', '\\frac{1}{2}'],
    ['\\boxed 4$ and \\boxed{5}', '5'],
    ['\\boxed{5} then \\boxed 4.', '4'],
    ['\\fbox{3}', '3'],
    ['\\boxed {6}', '6'],
    ['\\boxedx', null],
    ['\\boxed{open', null],
    ['nothing', null],
  ])('lastBoxedContent(%j) = %j', (input, expected) => {
    expect(lastBoxedContent(input)).toBe(expected);
  });
});
