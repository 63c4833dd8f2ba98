import { DomainError } from '@fusion/shared/kernel';
import { describe, expect, it } from 'vitest';
import { buildJudgePrompt, JUDGE_PROMPT_VERSION } from './judge.prompt';

describe('buildJudgePrompt', () => {
  it('puts the query, ground truth and response into one user message with the rubric anchors', () => {
    const messages = buildJudgePrompt({ query: 'What is 6 x 7?', groundTruth: '42', response: '6 x 7 = 42' });
    expect(messages).toHaveLength(1);
    const [m] = messages;
    expect(m?.role).toBe('user');
    const text = m?.content ?? '';
    expect(text).toContain('Query:\nWhat is 6 x 7?');
    expect(text).toContain('Ground truth:\n42');
    expect(text).toContain('Response:\n6 x 7 = 42');
    for (const anchor of ['- 0:', '- 0.3:', '- 0.6:', '- 0.8:', '- 1.0:']) expect(text).toContain(anchor);
    expect(text).toContain('<answer>SCORE</answer>');
    expect(text.indexOf('Query:')).toBeLessThan(text.indexOf('Ground truth:'));
    expect(text.indexOf('Ground truth:')).toBeLessThan(text.indexOf('Response:'));
  });

  it('says so when there is no ground truth', () => {
    const [m] = buildJudgePrompt({ query: 'Write a poem', groundTruth: null, response: 'Roses...' });
    expect(m?.content).toContain('Ground truth:\n(no reference answer given)');
  });

  it('rejects unusable input with the fields named', () => {
    let caught: unknown;
    try {
      buildJudgePrompt({
        query: '  ',
        groundTruth: 3 as unknown as string,
        response: undefined as unknown as string,
      });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(DomainError);
    expect((caught as DomainError).violations.map((v) => v.field)).toEqual([
      'query',
      'response',
      'groundTruth',
    ]);
  });

  it('has a version id', () => {
    expect(JUDGE_PROMPT_VERSION).toMatch(/^fusion-judge-rubric-v\d+$/);
  });
});
