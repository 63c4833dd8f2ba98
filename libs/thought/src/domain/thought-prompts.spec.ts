import { describe, expect, it } from 'vitest';
import { buildAugmentedPrompt } from './augmented-prompt';
import { answerFormatOf, extractiveTemplate } from './extractive-summary';
import { buildSummarizerPrompt, cleanSummarizerReply } from './summarizer-prompt';

describe('augmented prompt (paper §4.2 shape)', () => {
  it('lists the questions and templates in order, then the query verbatim and the <answer> instruction', () => {
    const prompt = buildAugmentedPrompt('What is 3*7?', [
      { query: 'What is 2*5?', template: 'Multiply.' },
      { query: 'What is 4*4?', template: 'Square it.' },
    ]);
    expect(prompt).toBe(
      [
        'Here are some similar questions and guidelines in how to solve them:',
        '',
        'Question1: What is 2*5?\nThought Template 1: Multiply.\n\nQuestion2: What is 4*4?\nThought Template 2: Square it.',
        '',
        'Now, please solve the following question:',
        'What is 3*7?',
        '',
        'Use the thought templates above as guidance. Reason step by step, and put your final answer within <answer></answer> tags.',
      ].join('\n'),
    );
  });

  it('is the plain query without templates (zero-shot)', () => {
    expect(buildAugmentedPrompt('  keep  me  ', [])).toBe('  keep  me  ');
  });
});

describe('summariser prompt (paper §4.1 step 5)', () => {
  it('carries the question and each solution cut to 1000 characters, and ends with "Thought Template:"', () => {
    const prompt = buildSummarizerPrompt({
      taskName: 'gsm8k',
      query: 'How many apples?',
      responses: [
        { llm: 'a', response: 'x'.repeat(1500) },
        { llm: 'b', response: 'Count them: 3.' },
      ],
    });
    expect(prompt).toContain('Question:\nHow many apples?');
    expect(prompt).toContain(`Solution 1:\n${'x'.repeat(1000)}... [truncated]`);
    expect(prompt).not.toContain('x'.repeat(1001));
    expect(prompt).toContain('Solution 2:\nCount them: 3.');
    expect(prompt).toMatch(/problem type/);
    expect(prompt).toMatch(/answer/);
    expect(prompt.endsWith('Thought Template:')).toBe(true);
  });

  it('cleans an echoed label off the reply', () => {
    expect(cleanSummarizerReply('  **Thought Template:** Do X.  ')).toBe('Do X.');
    expect(cleanSummarizerReply('Do Y.')).toBe('Do Y.');
  });
});

describe('extractive summariser (extractive-v1)', () => {
  it('writes problem type, steps from the best responses, and the answer format', () => {
    const t = extractiveTemplate({
      taskName: 'gsm8k',
      query: 'Tom has 3 boxes with 4 apples each. How many apples does he have?',
      responses: [
        {
          llm: 'a',
          response:
            'First, find the apples per box: 4.\nThen multiply by the number of boxes: 3 * 4 = 12.\n#### 12',
        },
        { llm: 'b', response: 'He has 12 apples.' },
      ],
    });
    const lines = t.split('\n');
    expect(lines[0]).toBe(
      'Problem type: a gsm8k question like "Tom has 3 boxes with 4 apples each. How many apples does he have?".',
    );
    expect(lines[1]).toBe(
      'Steps: (1) First, find the apples per box: 4; (2) Then multiply by the number of boxes: 3 * 4 = 12; (3) He has 12 apples.',
    );
    expect(lines[2]).toBe("Answer format: end with '#### <number>'.");
  });

  it('is deterministic and recognises the usual answer formats', () => {
    const input = {
      taskName: 'math',
      query: 'Solve x+1=2.',
      responses: [{ llm: 'a', response: 'Subtract 1 from both sides so x = 1. \\boxed{1}' }],
    };
    expect(extractiveTemplate(input)).toBe(extractiveTemplate(input));
    expect(answerFormatOf('Solve', 'so \\boxed{1}')).toMatch(/boxed/);
    expect(answerFormatOf('Which? A. x B. y', 'The answer is (B)')).toMatch(/option letter/);
    expect(answerFormatOf('Write code [BEGIN] ... [Done]', 'def f(): pass')).toMatch(/\[BEGIN\]/);
    expect(answerFormatOf('Your answer must be True or False.', 'True')).toMatch(/True or False/);
    expect(answerFormatOf('Who wrote Hamlet?', 'Shakespeare')).toMatch(/short phrase/);
  });
});
