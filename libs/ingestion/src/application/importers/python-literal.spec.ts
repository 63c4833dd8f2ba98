import { describe, expect, it } from 'vitest';
import { parseLooseNumber, parsePythonStringList, parseTensor } from './python-literal';

describe('parsePythonStringList', () => {
  it.each<[string, string[] | null]>([
    ["['A']", ['A']],
    ['[]', []],
    ['[\'a\', "b"]', ['a', 'b']],
    ['[\'It\\\'s\', "say \\"hi\\""]', ["It's", 'say "hi"']],
    ["['line\\nbreak\\ttab\\\\']", ['line\nbreak\ttab\\']],
    ["['\\x41\\u00e9\\U0001F600']", ['Aé😀']],
    ["['trailing',]", ['trailing']],
    [
      '["Write a function to calculate a dog\'s age in dog\'s years."]',
      ["Write a function to calculate a dog's age in dog's years."],
    ],
    ["['unknown \\d escape']", ['unknown \\d escape']],
    ['not a list', null],
    ["['unterminated]", null],
    ["['a' 'b']", null],
    ["['a'] trailing", null],
    ['[1, 2]', null],
  ])('%s', (input, expected) => {
    expect(parsePythonStringList(input)).toEqual(expected);
  });
});

describe('parseLooseNumber', () => {
  it.each<[unknown, number | null]>([
    [0.5, 0.5],
    ['0.75', 0.75],
    ['1e-3', 0.001],
    ["{'pass@1': 1.0}", 1],
    ["{'pass@1': 0.0}", 0],
    ["{'pass@1': np.float64(0.25)}", 0.25],
    ['{"pass@1": 0.5}', 0.5],
    ['np.float64(0.9)', 0.9],
    ['np.float32(1)', 1],
    [BigInt(7), 7],
    ['', null],
    ['abc', null],
    ["{'pass@5': 1.0}", null],
    [{}, null],
    [null, null],
  ])('%s', (input, expected) => {
    expect(parseLooseNumber(input)).toBe(expected);
  });

  it('returns NaN for a written nan', () => {
    expect(parseLooseNumber('nan')).toBeNaN();
    expect(parseLooseNumber('np.float64(nan)')).toBeNaN();
  });
});

describe('parseTensor', () => {
  it('parses a full tensor, nested or with arguments', () => {
    expect(parseTensor('tensor([0.1, -0.2, 3.0e-01])')).toEqual({ values: [0.1, -0.2, 0.3] });
    expect(parseTensor('tensor([[1., 2.],\n        [3., 4.]])')).toEqual({ values: [1, 2, 3, 4] });
    expect(parseTensor("tensor([0.5], device='cuda:0')")).toEqual({ values: [0.5] });
  });

  it('refuses summarised tensors and other text', () => {
    expect(parseTensor('tensor([ 0.1, 0.2,  ..., 0.3])')).toEqual({ failure: 'summarised' });
    expect(parseTensor('[0.1, 0.2]')).toEqual({ failure: 'not_a_tensor' });
    expect(parseTensor('tensor([0.1, x])')).toEqual({ failure: 'bad_number' });
  });
});
