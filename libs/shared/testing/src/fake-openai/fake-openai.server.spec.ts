import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fakeEmbeddingOf, startFakeOpenAi, type FakeOpenAiServer } from './fake-openai.server';

// The official client is the reference for wire compatibility: if it accepts the fake, so will real clients.
describe('fake OpenAI server (checked with the official openai client)', () => {
  let fake: FakeOpenAiServer;
  let client: OpenAI;

  beforeAll(async () => {
    fake = await startFakeOpenAi({ apiKey: 'sk-test', models: ['extra-model'] });
    client = new OpenAI({ baseURL: `${fake.url}/v1`, apiKey: 'sk-test', maxRetries: 0 });
  });
  afterAll(async () => {
    await fake.stop();
  });
  beforeEach(() => fake.reset());

  it('answers a chat completion with the scripted reply and usage', async () => {
    fake.script('m-fixed', {
      kind: 'reply',
      text: 'hello there',
      usage: { promptTokens: 11, completionTokens: 2 },
    });
    const res = await client.chat.completions.create({
      model: 'm-fixed',
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(res.choices[0]?.message.content).toBe('hello there');
    expect(res.usage?.prompt_tokens).toBe(11);
    expect(res.usage?.completion_tokens).toBe(2);
    expect(fake.requestsFor('m-fixed')).toHaveLength(1);
    expect(fake.requests[0]?.headers.authorization).toBe('Bearer sk-test');
  });

  it('streams SSE chunks that the client reassembles, with usage when asked', async () => {
    fake.script('m-echo', { kind: 'echo' });
    const stream = await client.chat.completions.create({
      model: 'm-echo',
      messages: [{ role: 'user', content: 'one two three' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let usage: OpenAI.CompletionUsage | undefined | null;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe('one two three');
    expect(usage?.completion_tokens).toBe(3);
  });

  it('serves embeddings in index order and lists models', async () => {
    fake.setEmbeddingDimension('emb', 5);
    const res = await client.embeddings.create({ model: 'emb', input: ['a', 'b'], encoding_format: 'float' });
    expect(res.data.map((d) => d.index).sort()).toEqual([0, 1]);
    const first = res.data.find((d) => d.index === 0);
    expect(first?.embedding.map((x) => Number(x.toFixed(5)))).toEqual(
      fakeEmbeddingOf('a', 5).map((x) => Number(x.toFixed(5))),
    );
    const models = await client.models.list();
    expect(models.data.map((m) => m.id)).toContain('extra-model');
  });

  it('rejects a wrong API key with 401', async () => {
    const bad = new OpenAI({ baseURL: `${fake.url}/v1`, apiKey: 'nope', maxRetries: 0 });
    await expect(
      bad.chat.completions.create({ model: 'x', messages: [{ role: 'user', content: 'hi' }] }),
    ).rejects.toMatchObject({
      status: 401,
    });
  });

  it('fails N times with Retry-After, then succeeds, counting per script object', async () => {
    fake.script('m-flaky', {
      kind: 'fail',
      status: 429,
      times: 2,
      retryAfterS: 3,
      then: { kind: 'reply', text: 'ok' },
    });
    const call = (): Promise<Response> =>
      fetch(`${fake.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer sk-test' },
        body: JSON.stringify({ model: 'm-flaky', messages: [{ role: 'user', content: 'q' }] }),
      });
    const r1 = await call();
    expect(r1.status).toBe(429);
    expect(r1.headers.get('retry-after')).toBe('3');
    await r1.text();
    expect((await call()).status).toBe(429);
    const r3 = await call();
    expect(r3.status).toBe(200);
    expect(
      ((await r3.json()) as { choices: { message: { content: string } }[] }).choices[0]?.message.content,
    ).toBe('ok');
  });

  it('tracks the in-flight peak', async () => {
    fake.script('m-slow', { kind: 'delay', ms: 50, then: { kind: 'echo' } });
    await Promise.all(
      [1, 2, 3].map((i) =>
        client.chat.completions.create({ model: 'm-slow', messages: [{ role: 'user', content: `q${i}` }] }),
      ),
    );
    expect(fake.maxInFlight).toBe(3);
    expect(fake.inFlight).toBe(0);
  });
});
