import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fakeEmbeddingOf, startFakeOpenAi, type FakeOpenAiServer } from '@fusion/shared/testing';
import { OpenAiCompatibleEmbedder } from './openai-compatible.embedder';

function normalised(v: number[]): number[] {
  const n = Math.sqrt(v.reduce((s, x) => s + x * x, 0));
  return v.map((x) => x / n);
}

describe('OpenAiCompatibleEmbedder against the fake server', () => {
  let fake: FakeOpenAiServer;

  beforeAll(async () => {
    fake = await startFakeOpenAi({ embeddingDimension: 6 });
  });
  afterAll(async () => {
    await fake.stop();
  });
  beforeEach(() => fake.reset());

  const embedder = (
    over: Partial<ConstructorParameters<typeof OpenAiCompatibleEmbedder>[0]> = {},
  ): OpenAiCompatibleEmbedder =>
    new OpenAiCompatibleEmbedder({ baseUrl: fake.url, model: 'bge-small', dimension: 6, ...over });

  it('batches, keeps input order (the fake answers in reverse) and L2-normalises', async () => {
    const texts = ['alpha', 'beta', 'gamma', 'delta', 'epsilon'];
    const vectors = await embedder({ batchSize: 2 }).embed(texts);
    expect(vectors).toHaveLength(5);
    vectors.forEach((v, i) => {
      const expected = normalised(fakeEmbeddingOf(texts[i] as string, 6));
      expect(Array.from(v).map((x) => x.toFixed(5))).toEqual(expected.map((x) => x.toFixed(5)));
      expect(Array.from(v).reduce((s, x) => s + x * x, 0)).toBeCloseTo(1, 5);
    });
    const batches = fake.requests.map((r) => r.body?.['input']);
    expect(batches).toEqual([['alpha', 'beta'], ['gamma', 'delta'], ['epsilon']]);
    expect(fake.requests[0]?.body).toMatchObject({ model: 'bge-small', encoding_format: 'float' });
  });

  it('makes no request for no texts', async () => {
    expect(await embedder().embed([])).toEqual([]);
    expect(fake.requests).toHaveLength(0);
  });

  it('rejects vectors of the wrong dimension, naming both', async () => {
    fake.setEmbeddingDimension('wide', 10);
    const err = await embedder({ model: 'wide' })
      .embed(['x'])
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'malformed_response' });
    expect((err as Error).message).toContain('dimension 10, expected 6');
  });

  it('reports a body without data, or not JSON, as malformed_response', async () => {
    fake.script('nodata', { kind: 'missing_choices' }).script('broken', { kind: 'malformed_json' });
    await expect(embedder({ model: 'nodata' }).embed(['x'])).rejects.toMatchObject({
      kind: 'malformed_response',
    });
    const err = await embedder({ model: 'broken' })
      .embed(['x'])
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'malformed_response', rawBody: '{"object": "list", "data": [' });
  });

  it('maps HTTP failures to typed errors', async () => {
    fake.script('limited', { kind: 'always_fail', status: 429, retryAfterS: 4 });
    await expect(embedder({ model: 'limited' }).embed(['x'])).rejects.toMatchObject({
      kind: 'rate_limited',
      retryAfterMs: 4000,
    });
  });

  it('has an id naming the model and dimension', () => {
    expect(embedder().id).toBe('openai-compat:bge-small:d6');
    expect(() => embedder({ dimension: 0 })).toThrow(/dimension/);
  });
});
