import { describe, expect, it } from 'vitest';
import { loadConfig, z } from '@fusion/shared/config';
import { HashedNgramEmbedder, OpenAiCompatibleEmbedder } from '@fusion/shared/llm';
import { ExtractiveSummarizer, LlmSummarizer, resolveThoughtOptions, summarizerFor } from '@fusion/thought';
import { thoughtConfigShape, thoughtOptionsFrom } from './thought.config';

const load = (env: Record<string, string>) => loadConfig(z.object(thoughtConfigShape), env);

describe('thought config', () => {
  it('uses the extractive summariser and hashed embeddings with no environment', () => {
    const opts = resolveThoughtOptions(thoughtOptionsFrom(load({})));
    expect(opts).toMatchObject({ summarizer: null, defaultQueriesPerTask: 100, summarizerConcurrency: 4 });
    expect(summarizerFor(opts)).toBeInstanceOf(ExtractiveSummarizer);
    expect(summarizerFor(opts).id).toBe('extractive-v1');
    expect(opts.embedder).toBeInstanceOf(HashedNgramEmbedder);
  });

  it('uses an LLM summariser and remote embeddings when their variables are set', () => {
    const opts = resolveThoughtOptions(
      thoughtOptionsFrom(
        load({
          THOUGHT_SUMMARIZER_BASE_URL: 'http://vllm:8000/v1',
          THOUGHT_SUMMARIZER_MODEL: 'meta-llama/Llama-3.1-70B-Instruct',
          THOUGHT_EMBEDDING_BASE_URL: 'http://tei:80',
          THOUGHT_EMBEDDING_MODEL: 'bge-small',
          THOUGHT_EMBEDDING_DIMENSION: '384',
        }),
      ),
    );
    const summarizer = summarizerFor(opts);
    expect(summarizer).toBeInstanceOf(LlmSummarizer);
    expect(summarizer.id).toBe('llm:meta-llama/Llama-3.1-70B-Instruct');
    expect(opts.embedder).toBeInstanceOf(OpenAiCompatibleEmbedder);
  });

  it('names the missing or bad variable', () => {
    expect(() => thoughtOptionsFrom(load({ THOUGHT_SUMMARIZER_BASE_URL: 'http://vllm:8000' }))).toThrow(
      /THOUGHT_SUMMARIZER_MODEL: required when THOUGHT_SUMMARIZER_BASE_URL is set/,
    );
    expect(() => load({ THOUGHT_SUMMARIZER_BASE_URL: 'vllm:8000' })).toThrow(
      /THOUGHT_SUMMARIZER_BASE_URL: expected an http/,
    );
    expect(() => load({ THOUGHT_QUERIES_PER_TASK: '0' })).toThrow(/THOUGHT_QUERIES_PER_TASK: expected > 0/);
  });
});
