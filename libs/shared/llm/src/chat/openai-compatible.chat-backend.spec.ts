import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeOpenAi, type FakeOpenAiServer } from '@fusion/shared/testing';
import { collectStream, type ChatChunk, type ChatRequest } from './chat-backend.port';
import { isLlmError, LlmError } from './llm-error';
import { OpenAiCompatibleChatBackend } from './openai-compatible.chat-backend';
import { RequestLimiter } from './request-limiter';
import { ResilientChatBackend } from './resilient.chat-backend';

const ask = (model: string, content = 'What is 2 + 2?'): ChatRequest => ({
  model,
  messages: [{ role: 'user', content }],
});

async function failure(p: Promise<unknown>): Promise<LlmError> {
  try {
    await p;
  } catch (err) {
    if (isLlmError(err)) return err;
    throw err;
  }
  throw new Error('expected the call to fail');
}

async function drain(chunks: AsyncIterable<ChatChunk>): Promise<{ deltas: string[]; error?: LlmError }> {
  const deltas: string[] = [];
  try {
    for await (const c of chunks) if (c.type === 'delta') deltas.push(c.text);
  } catch (err) {
    if (isLlmError(err)) return { deltas, error: err };
    throw err;
  }
  return { deltas };
}

describe('OpenAiCompatibleChatBackend against the fake server', () => {
  let fake: FakeOpenAiServer;
  let backend: OpenAiCompatibleChatBackend;
  const sleeps: number[] = [];
  const resilient = (maxAttempts = 4): ResilientChatBackend =>
    new ResilientChatBackend(backend, {
      retry: { maxAttempts, baseDelayMs: 10, jitterMs: 0 },
      deps: {
        sleep: async (ms) => {
          sleeps.push(ms);
        },
      },
    });

  beforeAll(async () => {
    fake = await startFakeOpenAi({ apiKey: 'sk-local' });
    backend = new OpenAiCompatibleChatBackend({
      baseUrl: `${fake.url}/v1/`,
      apiKey: 'sk-local',
      timeoutMs: 2000,
    });
  });
  afterAll(async () => {
    await fake.stop();
  });
  beforeEach(() => {
    fake.reset();
    sleeps.length = 0;
  });

  describe('complete', () => {
    it('returns text, finish reason, server usage, latency and the reported model', async () => {
      fake.script('m1', {
        kind: 'reply',
        text: '4',
        finishReason: 'stop',
        usage: { promptTokens: 12, completionTokens: 1 },
        model: 'org/m1-resolved',
      });
      const result = await backend.complete({
        ...ask('m1'),
        max_tokens: 100,
        temperature: 0.1,
        top_p: 0.7,
        stop: ['</answer>'],
        extra: { seed: 7, model: 'hijack', stream: true },
      });
      expect(result).toMatchObject({ text: '4', finishReason: 'stop', model: 'org/m1-resolved' });
      expect(result.usage).toEqual({ promptTokens: 12, completionTokens: 1, estimated: false });
      expect(result.latencyMs).toBeGreaterThanOrEqual(0);
      const sent = fake.requests[0];
      expect(sent?.path).toBe('/v1/chat/completions');
      expect(sent?.headers.authorization).toBe('Bearer sk-local');
      expect(sent?.body).toMatchObject({
        model: 'm1',
        max_tokens: 100,
        temperature: 0.1,
        top_p: 0.7,
        stop: ['</answer>'],
        seed: 7,
        stream: false,
      });
    });

    it('omits sampling fields that are not set', async () => {
      await backend.complete(ask('m-plain'));
      expect(Object.keys(fake.requests[0]?.body ?? {}).sort()).toEqual(['messages', 'model', 'stream']);
    });

    it('estimates usage when the server reports none, and says so', async () => {
      fake.script('m-nousage', { kind: 'reply', text: 'a fairly long answer of several words', usage: null });
      const result = await backend.complete(ask('m-nousage'));
      expect(result.usage.estimated).toBe(true);
      expect(result.usage.promptTokens).toBeGreaterThan(0);
      expect(result.usage.completionTokens).toBe(
        Math.ceil('a fairly long answer of several words'.length / 4),
      );
    });

    it('maps finish_reason length', async () => {
      fake.script('m-len', { kind: 'reply', text: 'cut', finishReason: 'length' });
      expect((await backend.complete(ask('m-len'))).finishReason).toBe('length');
    });

    it('times out a slow server with a retryable timeout error', async () => {
      fake.script('m-slow', { kind: 'delay', ms: 1000, then: { kind: 'echo' } });
      const started = Date.now();
      const err = await failure(backend.complete(ask('m-slow'), { timeoutMs: 60 }));
      expect(err.kind).toBe('timeout');
      expect(err.retryable).toBe(true);
      expect(Date.now() - started).toBeLessThan(800);
    });

    it('turns a caller abort into a non-retryable cancelled error', async () => {
      fake.script('m-slow2', { kind: 'delay', ms: 1000, then: { kind: 'echo' } });
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 30);
      const err = await failure(backend.complete(ask('m-slow2'), { signal: controller.signal }));
      expect(err.kind).toBe('cancelled');
      expect(err.retryable).toBe(false);
    });

    it('maps 429 to rate_limited with the Retry-After delay', async () => {
      fake.script('m-429', { kind: 'always_fail', status: 429, retryAfterS: 2, message: 'slow down' });
      const err = await failure(backend.complete(ask('m-429')));
      expect(err).toMatchObject({ kind: 'rate_limited', retryable: true, status: 429, retryAfterMs: 2000 });
      expect(err.message).toContain('slow down');
    });

    it('maps 401 to auth and 400 to bad_request, neither retryable', async () => {
      const noKey = new OpenAiCompatibleChatBackend({ baseUrl: fake.url });
      expect(await failure(noKey.complete(ask('m')))).toMatchObject({
        kind: 'auth',
        retryable: false,
        status: 401,
      });
      fake.script('m-400', { kind: 'always_fail', status: 400, message: 'context too long' });
      expect(await failure(backend.complete(ask('m-400')))).toMatchObject({
        kind: 'bad_request',
        retryable: false,
      });
    });

    it('maps 500 to a retryable server_error', async () => {
      fake.script('m-500', { kind: 'always_fail', status: 500 });
      expect(await failure(backend.complete(ask('m-500')))).toMatchObject({
        kind: 'server_error',
        retryable: true,
        status: 500,
      });
    });

    it('reports a body that is not JSON as malformed_response carrying the raw body', async () => {
      fake.script('m-bad', { kind: 'malformed_json' });
      const err = await failure(backend.complete(ask('m-bad')));
      expect(err.kind).toBe('malformed_response');
      expect(err.retryable).toBe(false);
      expect(err.rawBody).toContain('"choices": [{"message": ');
    });

    it('reports a body without choices as malformed_response', async () => {
      fake.script('m-nochoices', { kind: 'missing_choices' });
      const err = await failure(backend.complete(ask('m-nochoices')));
      expect(err.kind).toBe('malformed_response');
      expect(err.message).toContain('choices');
      expect(err.rawBody).toContain('chatcmpl-fake');
    });

    it('maps a closed socket to a retryable network error', async () => {
      fake.script('m-close', { kind: 'close_socket' });
      expect(await failure(backend.complete(ask('m-close')))).toMatchObject({
        kind: 'network',
        retryable: true,
      });
    });

    it('maps a refused connection to a network error', async () => {
      const gone = await startFakeOpenAi();
      const url = gone.url;
      await gone.stop();
      const dead = new OpenAiCompatibleChatBackend({ baseUrl: url, timeoutMs: 2000 });
      expect(await failure(dead.complete(ask('m')))).toMatchObject({ kind: 'network' });
    });

    it('rejects an invalid request before sending it', async () => {
      const err = await failure(backend.complete({ model: '', messages: [] }));
      expect(err.kind).toBe('bad_request');
      expect(err.message).toContain('request.model');
      expect(fake.requests).toHaveLength(0);
    });
  });

  describe('stream', () => {
    it('yields deltas that add up to the reply, then one end chunk with server usage', async () => {
      fake.script('s1', {
        kind: 'reply',
        text: 'The answer is 4.',
        usage: { promptTokens: 9, completionTokens: 5 },
      });
      const chunks: ChatChunk[] = [];
      for await (const c of backend.stream(ask('s1'))) chunks.push(c);
      const deltas = chunks.filter((c) => c.type === 'delta').map((c) => (c.type === 'delta' ? c.text : ''));
      expect(deltas.length).toBeGreaterThan(1);
      expect(deltas.join('')).toBe('The answer is 4.');
      const end = chunks.at(-1);
      expect(end?.type).toBe('end');
      if (end?.type !== 'end') throw new Error('no end chunk');
      expect(end.result).toMatchObject({ text: 'The answer is 4.', finishReason: 'stop', model: 's1' });
      expect(end.result.usage).toEqual({ promptTokens: 9, completionTokens: 5, estimated: false });
      expect(end.result.timeToFirstTokenMs).toBeGreaterThanOrEqual(0);
      expect(fake.requests[0]?.body).toMatchObject({ stream: true, stream_options: { include_usage: true } });
    });

    it('frees the connection when the consumer stops early', async () => {
      fake.script('s-long', { kind: 'delay', ms: 0, then: { kind: 'reply', text: 'a b c d e f g h' } });
      for await (const c of backend.stream(ask('s-long'))) {
        if (c.type === 'delta') break;
      }
      const after = await backend.complete(ask('s-after', 'still works'));
      expect(after.text).toBe('still works');
      for (let i = 0; i < 50 && fake.inFlight > 0; i++) await new Promise((r) => setTimeout(r, 10));
      expect(fake.inFlight).toBe(0);
    });

    it('estimates usage when stream usage is off', async () => {
      const noUsage = new OpenAiCompatibleChatBackend({
        baseUrl: fake.url,
        apiKey: 'sk-local',
        streamUsage: false,
      });
      const result = await collectStream(noUsage.stream(ask('s-echo', 'echo me please')));
      expect(result.text).toBe('echo me please');
      expect(result.usage.estimated).toBe(true);
      expect(fake.requests[0]?.body?.['stream_options']).toBeUndefined();
    });

    it('fails a broken event with malformed_response after the good chunks', async () => {
      fake.script('s-bad', { kind: 'malformed_json' });
      const { deltas, error } = await drain(backend.stream(ask('s-bad')));
      expect(deltas).toEqual(['partial']);
      expect(error?.kind).toBe('malformed_response');
      expect(error?.rawBody).toContain('"broken"');
    });

    it('fails an event without choices with malformed_response', async () => {
      fake.script('s-nochoices', { kind: 'missing_choices' });
      const { error } = await drain(backend.stream(ask('s-nochoices')));
      expect(error?.kind).toBe('malformed_response');
    });

    it('fails with a network error when the socket closes mid-stream', async () => {
      fake.script('s-close', { kind: 'close_socket', afterChunks: 2 });
      const { deltas, error } = await drain(backend.stream(ask('s-close', 'one two three four')));
      expect(deltas.join('')).toBe('one two ');
      expect(error?.kind).toBe('network');
    });

    it('times out a stream that never starts', async () => {
      fake.script('s-slow', { kind: 'delay', ms: 1000, then: { kind: 'echo' } });
      const { error } = await drain(backend.stream(ask('s-slow'), { timeoutMs: 60 }));
      expect(error?.kind).toBe('timeout');
    });

    it('maps an HTTP error status before the stream starts', async () => {
      fake.script('s-429', { kind: 'always_fail', status: 429, retryAfterS: 1 });
      const { error } = await drain(backend.stream(ask('s-429')));
      expect(error).toMatchObject({ kind: 'rate_limited', retryAfterMs: 1000 });
    });
  });

  describe('with ResilientChatBackend', () => {
    it('retries a 429 after the Retry-After delay, then succeeds', async () => {
      fake.script('r-429', {
        kind: 'fail',
        status: 429,
        times: 1,
        retryAfterS: 1,
        then: { kind: 'reply', text: 'done' },
      });
      const result = await resilient().complete(ask('r-429'));
      expect(result.text).toBe('done');
      expect(sleeps).toEqual([1000]);
      expect(fake.requestsFor('r-429')).toHaveLength(2);
    });

    it('retries 500s with exponential backoff, then succeeds', async () => {
      fake.script('r-500', { kind: 'fail', status: 500, times: 2, then: { kind: 'reply', text: 'finally' } });
      const result = await resilient().complete(ask('r-500'));
      expect(result.text).toBe('finally');
      expect(sleeps).toEqual([10, 20]);
      expect(fake.requestsFor('r-500')).toHaveLength(3);
    });

    it('does not retry a 400', async () => {
      fake.script('r-400', { kind: 'always_fail', status: 400 });
      const err = await failure(resilient().complete(ask('r-400')));
      expect(err.kind).toBe('bad_request');
      expect(fake.requestsFor('r-400')).toHaveLength(1);
      expect(sleeps).toEqual([]);
    });

    it('does not retry a malformed body', async () => {
      fake.script('r-bad', { kind: 'missing_choices' });
      expect((await failure(resilient().complete(ask('r-bad')))).kind).toBe('malformed_response');
      expect(fake.requestsFor('r-bad')).toHaveLength(1);
    });

    it('gives up after maxAttempts and throws the last error', async () => {
      fake.script('r-down', { kind: 'always_fail', status: 503 });
      const err = await failure(resilient(3).complete(ask('r-down')));
      expect(err).toMatchObject({ kind: 'server_error', status: 503 });
      expect(fake.requestsFor('r-down')).toHaveLength(3);
      expect(sleeps).toEqual([10, 20]);
    });

    it('retries a timed-out request', async () => {
      fake.script('r-slow', {
        kind: 'sequence',
        steps: [
          { kind: 'delay', ms: 500, then: { kind: 'echo' } },
          { kind: 'reply', text: 'fast now' },
        ],
      });
      const result = await resilient().complete(ask('r-slow'), { timeoutMs: 60 });
      expect(result.text).toBe('fast now');
    });

    it('retries a stream that fails before its first chunk', async () => {
      fake.script('r-stream', {
        kind: 'fail',
        status: 502,
        times: 1,
        then: { kind: 'reply', text: 'streamed ok' },
      });
      const result = await collectStream(resilient().stream(ask('r-stream')));
      expect(result.text).toBe('streamed ok');
      expect(fake.requestsFor('r-stream')).toHaveLength(2);
    });

    it('does not retry a stream that already delivered text', async () => {
      fake.script('r-stream-close', { kind: 'close_socket', afterChunks: 1 });
      const { deltas, error } = await drain(resilient().stream(ask('r-stream-close', 'alpha beta gamma')));
      expect(deltas).toEqual(['alpha ']);
      expect(error?.kind).toBe('network');
      expect(fake.requestsFor('r-stream-close')).toHaveLength(1);
    });

    it('keeps concurrent calls within the limiter bound', async () => {
      fake.script('r-par', { kind: 'delay', ms: 30, then: { kind: 'echo' } });
      const limited = new ResilientChatBackend(backend, {
        limiter: new RequestLimiter({ maxConcurrent: 2 }),
      });
      const results = await Promise.all(
        [1, 2, 3, 4, 5, 6].map((i) => limited.complete(ask('r-par', `q${i}`))),
      );
      expect(results.map((r) => r.text)).toEqual(['q1', 'q2', 'q3', 'q4', 'q5', 'q6']);
      expect(fake.maxInFlight).toBe(2);
    });
  });
});
