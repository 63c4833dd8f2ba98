import { describe, expect, it } from 'vitest';
import { DomainError, ErrorCode } from '@fusion/shared/kernel';
import { BubblewrapSandbox } from '../../adapters/sandbox/bubblewrap-sandbox.adapter';
import type { CodeSandbox, SandboxRunResult } from './code-sandbox.port';
import { scoreResponse } from './score-response.handler';

const sandbox = new BubblewrapSandbox({ limits: { timeoutMs: 1000, killGraceMs: 1500 } });

// MBPP task 2 as the log stores it: ground truth = str(test_list).
const MBPP_GT =
  "['assert similar_elements((3, 4, 5, 6),(5, 7, 4, 10)) == (4, 5)', 'assert similar_elements((1, 2, 3, 4),(5, 4, 3, 7)) == (3, 4)']";
const MBPP_RIGHT =
  'Here you go:\n[BEGIN]\ndef similar_elements(a, b):\n    return tuple(sorted(set(a) & set(b)))\n[DONE]';
const MBPP_WRONG = '[BEGIN]\ndef similar_elements(a, b):\n    return tuple(set(a) | set(b))\n[DONE]';

// HumanEval/0-like task.
const HE_PROMPT =
  'from typing import List\n\n\ndef has_close_elements(numbers: List[float], threshold: float) -> bool:\n    """ Check if any two numbers are closer than threshold. """\n';
const HE_TEST =
  'def check(candidate):\n    assert candidate([1.0, 2.0, 3.0], 0.5) == False\n    assert candidate([1.0, 2.8, 3.0], 0.3) == True\n';
const HE_QUERY = `You are an expert Python programmer. Complete the following function:\n\n                ${HE_PROMPT}\n\n                Implement the function body only. Do not repeat the function signature or docstring.\n                Put the code in this format: [BEGIN] <Your Code - function body only> [Done]\n                `;
const HE_RIGHT =
  '[BEGIN]\nfor i, a in enumerate(numbers):\n    for b in numbers[i + 1:]:\n        if abs(a - b) < threshold:\n            return True\nreturn False\n[Done]';
const HE_WRONG = '[BEGIN]\nreturn False\n[Done]';

describe('scoreResponse: code_eval in the real sandbox', () => {
  it('MBPP: a correct solution passes and a wrong one fails with the assertion', async () => {
    const base = { metric: 'code_eval', groundTruth: MBPP_GT, taskName: 'mbpp', taskId: 2 };
    await expect(scoreResponse({ ...base, response: MBPP_RIGHT }, { sandbox })).resolves.toEqual({
      performance: 1,
      reason: null,
      metric: 'code_eval',
      variant: 'fixed',
    });
    const wrong = await scoreResponse({ ...base, response: MBPP_WRONG }, { sandbox });
    expect(wrong).toMatchObject({ performance: 0, metric: 'code_eval' });
    expect(wrong.reason).toMatch(/^AssertionError/);
  });

  it('HumanEval: a correct body passes and a wrong one fails, with the prompt recovered from the query', async () => {
    const base = { metric: 'code_eval', groundTruth: HE_TEST, taskName: 'human_eval', prompt: HE_QUERY };
    await expect(scoreResponse({ ...base, response: HE_RIGHT }, { sandbox })).resolves.toMatchObject({
      performance: 1,
      reason: null,
    });
    const wrong = await scoreResponse({ ...base, response: HE_WRONG }, { sandbox });
    expect(wrong.performance).toBe(0);
    expect(wrong.reason).toMatch(/^AssertionError/);
  });

  it('HumanEval: a body indented by 4 passes when fixed and fails in the paper variant', async () => {
    const response =
      '[BEGIN]\n    if not numbers:\n        return False\n    return any(abs(a - b) < threshold for i, a in enumerate(numbers) for b in numbers[i + 1:])\n[DONE]';
    const base = {
      metric: 'code_eval',
      groundTruth: HE_TEST,
      taskName: 'human_eval',
      prompt: HE_PROMPT,
      response,
    };
    expect((await scoreResponse(base, { sandbox })).performance).toBe(1);
    const paper = await scoreResponse({ ...base, variant: 'paper' }, { sandbox });
    expect(paper.performance).toBe(0);
    expect(paper.reason).toMatch(/IndentationError/);
  });

  it('scores a solution that never finishes 0 with the timeout as reason', async () => {
    const response = '[BEGIN]\ndef similar_elements(a, b):\n    while True:\n        pass\n[DONE]';
    const r = await scoreResponse(
      { metric: 'code_eval', groundTruth: MBPP_GT, taskName: 'mbpp', response },
      { sandbox },
    );
    expect(r).toMatchObject({ performance: 0, reason: 'timed out after 1 s' });
  });
});

describe('scoreResponse: dispatch and bad input', () => {
  const recorded: string[] = [];
  const fake: CodeSandbox = {
    run: async (program: string): Promise<SandboxRunResult> => {
      recorded.push(program);
      return {
        passed: true,
        reason: 'passed',
        exitCode: 0,
        signal: null,
        timedOut: false,
        stdoutTail: '',
        stderrTail: '',
        durationMs: 1,
      };
    },
  };

  it.each<[string, string, string, string | undefined, number]>([
    ['GSM8K', 'The answer is 18.00', '#### 18', undefined, 1],
    ['GSM8K', 'The answer is 18.00', '#### 18', 'paper', 0],
    ['cem', 'I know', 'no', undefined, 0],
    ['em_mc', 'B', 'B', undefined, 1],
    ['MATH', '\\boxed{\\frac12}', '\\boxed{0.5}', undefined, 1],
    ['f1_score', 'the cat sat', 'cat sat', undefined, 1],
    ['em', 'Paris.', 'paris', undefined, 1],
  ])('%s(%j, %j) variant %s -> %d', async (metric, response, groundTruth, variant, expected) => {
    const r = await scoreResponse(
      { metric, response, groundTruth, taskName: 'any', ...(variant ? { variant: variant as 'paper' } : {}) },
      { sandbox: fake },
    );
    expect(r.performance).toBe(expected);
  });

  it('throws for an unknown metric, naming the supported ones', async () => {
    await expect(
      scoreResponse({ metric: 'bleu', response: 'x', groundTruth: 'x', taskName: 't' }, { sandbox: fake }),
    ).rejects.toThrow('metric: unknown metric "bleu"; supported: em, cem, em_mc, f1, gsm8k, math, code_eval');
  });

  it('throws for a response that is not a string', async () => {
    await expect(
      scoreResponse(
        { metric: 'em', response: null as unknown as string, groundTruth: 'x', taskName: 't' },
        { sandbox: fake },
      ),
    ).rejects.toMatchObject({
      code: ErrorCode.InvalidArgument,
      message: 'response: must be a string, got null',
    });
  });

  it('returns null with the reason when the ground truth cannot be judged', async () => {
    const r = await scoreResponse(
      { metric: 'MATH', response: '\\boxed{1}', groundTruth: 'no box', taskName: 'math' },
      { sandbox: fake },
    );
    expect(r).toEqual({
      performance: null,
      reason: 'groundTruth: MATH reference solution has no \\boxed{} answer',
      metric: 'math',
      variant: 'fixed',
    });
    const mbpp = await scoreResponse(
      { metric: 'code_eval', response: 'x', groundTruth: '[oops', taskName: 'mbpp' },
      { sandbox: fake },
    );
    expect(mbpp.performance).toBeNull();
    expect(mbpp.reason).toMatch(/^groundTruth: MBPP test_list is not a list/);
  });

  it('returns null when HumanEval has no prompt or the task is not a code task', async () => {
    const noPrompt = await scoreResponse(
      { metric: 'code_eval', response: HE_RIGHT, groundTruth: HE_TEST, taskName: 'human_eval' },
      { sandbox: fake },
    );
    expect(noPrompt).toMatchObject({
      performance: null,
      reason: 'prompt: HumanEval needs the function prompt the completion continues',
    });
    const notCode = await scoreResponse(
      { metric: 'code_eval', response: 'x', groundTruth: 'y', taskName: 'gsm8k' },
      { sandbox: fake },
    );
    expect(notCode.performance).toBeNull();
    expect(notCode.reason).toMatch(/^taskName: code_eval needs task mbpp or human_eval/);
    expect(recorded).toEqual([]);
  });

  it('sends code_eval to the sandbox, never running it here', async () => {
    recorded.length = 0;
    await scoreResponse(
      {
        metric: 'code_eval',
        response: HE_RIGHT,
        groundTruth: HE_TEST,
        taskName: 'x',
        taskId: 'HumanEval/0',
        prompt: HE_PROMPT,
      },
      { sandbox: fake },
    );
    expect(recorded).toHaveLength(1);
    expect(recorded[0]).toBe(
      `${HE_PROMPT}    for i, a in enumerate(numbers):\n        for b in numbers[i + 1:]:\n            if abs(a - b) < threshold:\n                return True\n    return False\n${HE_TEST}\ncheck(has_close_elements)`,
    );
  });

  it('propagates a sandbox failure instead of scoring 0', async () => {
    const down: CodeSandbox = {
      run: () => Promise.reject(DomainError.unavailable('code sandbox did not start')),
    };
    await expect(
      scoreResponse(
        { metric: 'code_eval', response: MBPP_RIGHT, groundTruth: MBPP_GT, taskName: 'mbpp' },
        { sandbox: down },
      ),
    ).rejects.toMatchObject({ code: ErrorCode.Unavailable });
  });
});
