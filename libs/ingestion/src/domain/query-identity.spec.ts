import { describe, expect, it } from 'vitest';
import { deriveQueryId, deriveRecordId, normaliseQueryText } from './query-identity';

describe('query identity', () => {
  it('normalises whitespace and strips the think instruction', () => {
    expect(normaliseQueryText('  What is 2+2?\n\n ')).toBe('What is 2+2?');
    expect(normaliseQueryText("What is 2+2?\nLet's think step by step.")).toBe('What is 2+2?');
    expect(normaliseQueryText("Q: x\n\nLet's think step by step")).toBe('Q: x');
    expect(normaliseQueryText('Answer this. Let’s think step by step.\nQuestion: y')).toBe(
      'Answer this. Question: y',
    );
  });

  it('gives direct and think prompts of a query the same id', () => {
    const direct = deriveQueryId({ taskName: 'mmlu', text: 'Which planet is red?' });
    const think = deriveQueryId({
      taskName: 'mmlu',
      text: "Which planet is red?\nLet's think step by step.",
    });
    expect(think).toBe(direct);
  });

  it('separates tasks, texts and source keys', () => {
    const base = deriveQueryId({ taskName: 'mbpp', text: 'Write a function to sort a list of elements.' });
    expect(
      deriveQueryId({ taskName: 'human_eval', text: 'Write a function to sort a list of elements.' }),
    ).not.toBe(base);
    expect(deriveQueryId({ taskName: 'mbpp', text: 'Write a function to sort a list.' })).not.toBe(base);
    expect(
      deriveQueryId({
        taskName: 'mbpp',
        text: 'Write a function to sort a list of elements.',
        sourceKey: 'mbpp.dev.29',
      }),
    ).not.toBe(base);
  });

  it('treats task name spellings alike', () => {
    expect(deriveQueryId({ taskName: 'ARC-Challenge', text: 'q' })).toBe(
      deriveQueryId({ taskName: 'arc_challenge', text: 'q' }),
    );
  });

  it('derives a stable record id per tenant, query, llm and mode', () => {
    const a = deriveRecordId({ tenant: 't', queryId: 'q', llm: 'gpt-4', promptMode: 'direct' });
    expect(deriveRecordId({ tenant: 't', queryId: 'q', llm: 'gpt-4', promptMode: 'direct' })).toBe(a);
    expect(deriveRecordId({ tenant: 't', queryId: 'q', llm: 'gpt-4', promptMode: 'think' })).not.toBe(a);
    expect(deriveRecordId({ tenant: 'u', queryId: 'q', llm: 'gpt-4', promptMode: 'direct' })).not.toBe(a);
  });
});
