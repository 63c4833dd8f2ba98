import { describe, expect, it } from 'vitest';
import {
  buildHumanEvalProgram,
  buildMbppProgram,
  codeTaskOf,
  extractHumanEvalCompletion,
  extractHumanEvalPrompt,
  extractMbppCode,
  humanEvalEntryPoint,
  parseMbppTests,
} from './code-eval.metric';
import { MetricError } from './metric';
import { parsePythonStringList } from './python-literal';

describe('codeTaskOf', () => {
  it.each<[string, string | number | null | undefined, string | null]>([
    ['mbpp', 11, 'mbpp'],
    ['human_eval', 'HumanEval/3', 'human_eval'],
    ['HumanEval', undefined, 'human_eval'],
    ['code', 'HumanEval/7', 'human_eval'], // the reference decides by task id
    ['code', 42, 'mbpp'],
    ['gsm8k', null, null],
  ])('(%j, %j) -> %j', (name, id, expected) => {
    expect(codeTaskOf(name, id)).toBe(expected);
  });
});

describe('extractMbppCode', () => {
  it.each<[string, string, string, string]>([
    // label, response, fixed, paper
    [
      'tags',
      'Sure [BEGIN]\ndef f(x):\n    return x\n[DONE] bye',
      'def f(x):\n    return x',
      'def f(x):\n    return x',
    ],
    ['[Done]', '[BEGIN] def f(): return 1 [Done]', 'def f(): return 1', 'def f(): return 1'],
    ['lower-case tags', '[begin]x = 1[done]', 'x = 1', 'x = 1'],
    ['no closing tag', '[BEGIN]\nx = 1\n', 'x = 1', 'x = 1'],
    ['no tags: whole response', '  x = 2  ', 'x = 2', 'x = 2'],
    [
      'Markdown fence (fixed unwraps it)',
      '[BEGIN]\n```python\ndef f():\n    return 1\n```\n[DONE]',
      'def f():\n    return 1',
      '```python\ndef f():\n    return 1\n```',
    ],
    [
      'two fences: the first',
      '```py\na = 1\n```\nUsage:\n```\nprint(a)\n```',
      'a = 1',
      '```py\na = 1\n```\nUsage:\n```\nprint(a)\n```',
    ],
  ])('%s', (_label, response, fixed, paper) => {
    expect(extractMbppCode(response, 'fixed')).toBe(fixed);
    expect(extractMbppCode(response, 'paper')).toBe(paper);
  });
});

describe('extractHumanEvalCompletion', () => {
  it.each<[string, string, string, string]>([
    // label, response, fixed, paper
    ['unindented body', '[BEGIN]\nreturn a + b\n[DONE]', '    return a + b', '    return a + b'],
    [
      'multi-line body',
      '[BEGIN]\ns = 0\nfor x in xs:\n    s += x\nreturn s\n[Done]',
      '    s = 0\n    for x in xs:\n        s += x\n    return s',
      '    s = 0\n    for x in xs:\n        s += x\n    return s',
    ],
    [
      'body already indented (paper strips the first line only and breaks it)',
      '[BEGIN]\n    s = 0\n    return s\n[DONE]',
      '    s = 0\n    return s',
      '    s = 0\n        return s',
    ],
    [
      'first line glued to [BEGIN]',
      '[BEGIN] s = 0\n    return s [DONE]',
      '    s = 0\n    return s',
      '    s = 0\n        return s',
    ],
    [
      'whole function kept',
      '[BEGIN]\ndef add(a, b):\n    return a + b\n[DONE]',
      'def add(a, b):\n    return a + b',
      'def add(a, b):\n    return a + b',
    ],
    [
      'import then def stays top level (fixed)',
      '[BEGIN]\nimport math\n\ndef f(x):\n    return math.sqrt(x)\n[DONE]',
      'import math\n\ndef f(x):\n    return math.sqrt(x)',
      '    import math\n    \n    def f(x):\n        return math.sqrt(x)',
    ],
    [
      'helper def inside a body',
      '[BEGIN]\ndef helper(x):\n    return x * 2\nreturn helper(n)\n[DONE]',
      '    def helper(x):\n        return x * 2\n    return helper(n)',
      'def helper(x):\n    return x * 2\nreturn helper(n)',
    ],
    [
      'no tags: paper keeps the stripped text as is',
      '    return a + b\n',
      '    return a + b',
      'return a + b',
    ],
    ['fenced, no tags', '```python\nreturn a - b\n```', '    return a - b', '```python\nreturn a - b\n```'],
  ])('%s', (_label, response, fixed, paper) => {
    expect(extractHumanEvalCompletion(response, 'fixed')).toBe(fixed);
    expect(extractHumanEvalCompletion(response, 'paper')).toBe(paper);
  });
});

describe('parseMbppTests', () => {
  it("reads the log's Python list literal", () => {
    expect(parseMbppTests("['assert f(1) == 2', \"assert f('a') == 'b'\"]")).toEqual([
      'assert f(1) == 2',
      "assert f('a') == 'b'",
    ]);
  });
  it('accepts a JSON array, a list, or bare asserts', () => {
    expect(parseMbppTests('["assert g() == 1"]')).toEqual(['assert g() == 1']);
    expect(parseMbppTests(['assert g() == 1'])).toEqual(['assert g() == 1']);
    expect(parseMbppTests('assert g() == 1\nassert g() != 2')).toEqual(['assert g() == 1\nassert g() != 2']);
  });
  it.each([["['unterminated]"], ['[]'], ['no asserts here'], ['[1, 2]']])(
    'rejects %j with a MetricError',
    (gt) => {
      expect(() => parseMbppTests(gt)).toThrow(MetricError);
    },
  );
  it('rejects an empty list', () => {
    expect(() => parseMbppTests([])).toThrow(/groundTruth: MBPP test_list must be a non-empty list/);
  });
});

describe('parsePythonStringList', () => {
  it.each<[string, string[] | null]>([
    ["['a', 'b']", ['a', 'b']],
    ['[\'it\\\'s\', "q\\""]', ["it's", 'q"']],
    ["['\\n\\t\\x41\\u00e9\\101']", ['\n\tAéA']],
    ["[r'\\d+']", ['\\d+']],
    ["['a',]", ['a']],
    ["['''tri\nple''']", ['tri\nple']],
    ["['\\q']", ['\\q']],
    ['[]', []],
    ["['a' 'b']", null],
    ["['a'] trailing", null],
    ['not a list', null],
    ["['\\U00110000']", null],
  ])('%j -> %j', (text, expected) => {
    expect(parsePythonStringList(text)).toEqual(expected);
  });
});

describe('program assembly', () => {
  it('MBPP: code then each assert in the same fresh globals, as string literals', () => {
    const program = buildMbppProgram('def f(x):\n    return "ok"', ['assert f(1) == "ok"']);
    expect(program).toBe(
      [
        '__fusion_globals = {}',
        'exec(compile("def f(x):\\n    return \\"ok\\"", "solution.py", "exec"), __fusion_globals)',
        'for __fusion_test in ["assert f(1) == \\"ok\\""]:',
        '    exec(compile(__fusion_test, "test.py", "exec"), __fusion_globals)',
        '',
      ].join('\n'),
    );
  });

  it('HumanEval: prompt + completion + test + check(entry_point)', () => {
    expect(
      buildHumanEvalProgram('def f():\n', '    return 1', 'def check(c):\n    assert c() == 1', 'f'),
    ).toBe('def f():\n    return 1\ndef check(c):\n    assert c() == 1\ncheck(f)');
    expect(() => buildHumanEvalProgram('', '', '', 'f(); import os')).toThrow(MetricError);
  });

  it("finds the entry point as the prompt's last top-level def", () => {
    const prompt =
      'def is_palindrome(s):\n    return s == s[::-1]\n\n\ndef make_palindrome(s: str) -> str:\n    """doc"""\n';
    expect(humanEvalEntryPoint(prompt)).toBe('make_palindrome');
    expect(humanEvalEntryPoint('x = 1\n')).toBeNull();
  });

  it('recovers the HumanEval prompt from the logged query template', () => {
    const prompt = 'from typing import List\n\n\ndef f(xs: List[int]) -> int:\n    """Sum."""\n';
    const query = `You are an expert Python programmer. Complete the following function:\n\n                ${prompt}\n\n                Implement the function body only. Do not repeat the function signature or docstring.\n                Put the code in this format: [BEGIN] <Your Code - function body only> [Done]\n                `;
    expect(extractHumanEvalPrompt(query)).toBe(prompt);
    expect(extractHumanEvalPrompt(prompt)).toBe(prompt);
  });
});
