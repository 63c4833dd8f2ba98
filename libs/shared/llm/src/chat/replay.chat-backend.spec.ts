import type { LogRecord } from '@fusion/contracts';
import { describe, expect, it } from 'vitest';
import { collectStream, type ChatBackend, type ChatRequest } from './chat-backend.port';
import { LlmError } from './llm-error';
import { ReplayChatBackend } from './replay.chat-backend';

function record(over: Partial<LogRecord>): LogRecord {
  return {
    recordId: 'r',
    tenant: 't1',
    taskName: 'gsm8k',
    taskDomain: 'math',
    queryId: 'q1',
    query: 'What is 2 + 2?',
    promptMode: 'direct',
    llm: 'llama-3.1-8b-instruct',
    response: 'It is 4.',
    groundTruth: '4',
    metric: 'GSM8K',
    performance: 1,
    judgeScore: null,
    inputTokens: 12,
    outputTokens: 4,
    inputPrice: 0.2,
    outputPrice: 0.2,
    costUsd: 0.0000032,
    latencyMs: 850,
    split: 'train',
    createdAt: '2026-01-01T00:00:00Z',
    metadata: {},
    ...over,
  };
}

const ask = (model: string, content: string, system?: string): ChatRequest => ({
  model,
  messages: [...(system ? [{ role: 'system' as const, content: system }] : []), { role: 'user', content }],
});

const records: LogRecord[] = [
  record({ recordId: 'a' }),
  record({
    recordId: 'b',
    promptMode: 'think',
    query: 'What is 2 + 2?\nThink step by step.',
    response: '2 + 2 = 4. The answer is 4.',
    inputTokens: 18,
    outputTokens: 12,
    latencyMs: null,
  }),
  record({ recordId: 'c', llm: 'gemma-2-9b-it', response: 'Four', inputTokens: null, outputTokens: null }),
  record({ recordId: 'd', llm: 'gemma-2-9b-it', queryId: 'q2', query: 'Failed call', response: '' }),
  record({ recordId: 'e', response: 'a later duplicate' }),
];

describe('ReplayChatBackend', () => {
  const replay = new ReplayChatBackend(records);

  it('serves the logged response with the logged token counts and latency', async () => {
    const result = await replay.complete(ask('llama-3.1-8b-instruct', 'What is 2 + 2?', 'You are helpful.'));
    expect(result).toEqual({
      text: 'It is 4.',
      finishReason: 'stop',
      usage: { promptTokens: 12, completionTokens: 4, estimated: false },
      latencyMs: 850,
      model: 'llama-3.1-8b-instruct',
    });
  });

  it('matches the last user message after whitespace normalisation', async () => {
    const result = await replay.complete(ask('llama-3.1-8b-instruct', '  What   is 2 +\n2? '));
    expect(result.text).toBe('It is 4.');
  });

  it('serves the think mode by its logged think prompt and by the plain query', async () => {
    const byThinkPrompt = await replay.complete(
      ask('llama-3.1-8b-instruct:think', 'What is 2 + 2? Think step by step.'),
    );
    const byPlainQuery = await replay.complete(ask('llama-3.1-8b-instruct:think', 'What is 2 + 2?'));
    expect(byThinkPrompt.text).toBe('2 + 2 = 4. The answer is 4.');
    expect(byPlainQuery.text).toBe('2 + 2 = 4. The answer is 4.');
    expect(byPlainQuery.usage).toEqual({ promptTokens: 18, completionTokens: 12, estimated: false });
    expect(byPlainQuery.model).toBe('llama-3.1-8b-instruct:think');
  });

  it('estimates token counts the log lacks and flags them', async () => {
    const result = await replay.complete(ask('gemma-2-9b-it', 'What is 2 + 2?'));
    expect(result.text).toBe('Four');
    expect(result.usage.estimated).toBe(true);
    expect(result.usage.completionTokens).toBe(1);
  });

  it('keeps the first of duplicate records and skips empty responses', () => {
    expect(replay.stats).toEqual({ entries: 4, skippedEmpty: 1, duplicates: 1 });
    expect(replay.knownCandidates()).toEqual([
      'gemma-2-9b-it',
      'llama-3.1-8b-instruct',
      'llama-3.1-8b-instruct:think',
    ]);
  });

  it('fails an unknown query with a bad_request naming the query', async () => {
    const err = await replay
      .complete(ask('llama-3.1-8b-instruct', 'What is 3 + 3?'))
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LlmError);
    expect(err).toMatchObject({ kind: 'bad_request', retryable: false });
    expect((err as LlmError).message).toContain('What is 3 + 3?');
  });

  it('fails an unknown model with a bad_request naming the model', async () => {
    const err = (await replay.complete(ask('gpt-4', 'What is 2 + 2?')).catch((e: unknown) => e)) as LlmError;
    expect(err.kind).toBe('bad_request');
    expect(err.message).toContain('no logged responses for model "gpt-4"');
  });

  it('does not serve a logged failure (empty response)', async () => {
    await expect(replay.complete(ask('gemma-2-9b-it', 'Failed call'))).rejects.toMatchObject({
      kind: 'bad_request',
    });
  });

  it('streams the logged response as one delta and an end chunk', async () => {
    const chunks = [];
    for await (const c of replay.stream(ask('llama-3.1-8b-instruct', 'What is 2 + 2?'))) chunks.push(c);
    expect(chunks.map((c) => c.type)).toEqual(['delta', 'end']);
    expect(chunks[0]).toEqual({ type: 'delta', text: 'It is 4.' });
  });

  it('hands unknown requests to the fallback when one is set', async () => {
    const seen: string[] = [];
    const fallback: ChatBackend = {
      complete: async (req) => {
        seen.push(req.model);
        return {
          text: 'live',
          finishReason: 'stop',
          usage: { promptTokens: 1, completionTokens: 1, estimated: true },
          latencyMs: 1,
          model: req.model,
        };
      },
      stream: async function* (req) {
        yield { type: 'end', result: await fallback.complete(req) };
      },
    };
    const withFallback = new ReplayChatBackend(records, { fallback });
    expect((await withFallback.complete(ask('gpt-4', 'anything'))).text).toBe('live');
    expect((await collectStream(withFallback.stream(ask('gpt-4', 'anything')))).text).toBe('live');
    expect((await withFallback.complete(ask('llama-3.1-8b-instruct', 'What is 2 + 2?'))).text).toBe(
      'It is 4.',
    );
    expect(seen).toEqual(['gpt-4', 'gpt-4']);
  });
});
