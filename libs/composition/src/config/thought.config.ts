import { ConfigError, z } from '@fusion/shared/config';
import { HashedNgramEmbedder, OpenAiCompatibleEmbedder, type Embedder } from '@fusion/shared/llm';
import type { ThoughtOptions } from '@fusion/thought';

const positiveInt = (fallback: number) =>
  z.coerce
    .number({ message: 'expected a number' })
    .int('expected an integer')
    .positive('expected > 0')
    .default(fallback);
const httpUrl = z
  .string()
  .refine((s) => /^https?:\/\//i.test(s), { message: 'expected an http:// or https:// URL' });

/**
 * The thought service's own variables (the shared ones come from @fusion/shared/config).
 *
 * - THOUGHT_SUMMARIZER_BASE_URL, THOUGHT_SUMMARIZER_MODEL: an OpenAI-compatible chat server and model that write
 *   the templates (paper §4.1; e.g. Llama-3.1-8B/70B-Instruct on vLLM). Set both, or neither: unset, templates are
 *   written by the deterministic extractive summariser `extractive-v1` (no LLM), and say so.
 * - THOUGHT_SUMMARIZER_API_KEY: bearer token for that server, if it needs one.
 * - THOUGHT_SUMMARIZER_TIMEOUT_MS: per-call timeout (default 120000).
 * - THOUGHT_SUMMARIZER_CONCURRENCY: summaries requested at once (default 4).
 * - THOUGHT_QUERIES_PER_TASK: queries summarised per task when a build asks for 0 (default 100; the paper's
 *   script defaults to 3).
 * - THOUGHT_EMBEDDING_BASE_URL, THOUGHT_EMBEDDING_MODEL, THOUGHT_EMBEDDING_DIMENSION: an OpenAI-compatible
 *   `/v1/embeddings` server for query vectors (all three, or none: the hashed n-gram embedder, no download).
 */
export const thoughtConfigShape = {
  THOUGHT_SUMMARIZER_BASE_URL: httpUrl.optional(),
  THOUGHT_SUMMARIZER_MODEL: z.string().min(1).optional(),
  THOUGHT_SUMMARIZER_API_KEY: z.string().optional(),
  THOUGHT_SUMMARIZER_TIMEOUT_MS: positiveInt(120_000),
  THOUGHT_SUMMARIZER_CONCURRENCY: positiveInt(4),
  THOUGHT_QUERIES_PER_TASK: positiveInt(100),
  THOUGHT_EMBEDDING_BASE_URL: httpUrl.optional(),
  THOUGHT_EMBEDDING_MODEL: z.string().min(1).optional(),
  THOUGHT_EMBEDDING_DIMENSION: z.coerce.number({ message: 'expected a number' }).int().positive().optional(),
};

export interface ThoughtConfig {
  THOUGHT_SUMMARIZER_BASE_URL?: string | undefined;
  THOUGHT_SUMMARIZER_MODEL?: string | undefined;
  THOUGHT_SUMMARIZER_API_KEY?: string | undefined;
  THOUGHT_SUMMARIZER_TIMEOUT_MS: number;
  THOUGHT_SUMMARIZER_CONCURRENCY: number;
  THOUGHT_QUERIES_PER_TASK: number;
  THOUGHT_EMBEDDING_BASE_URL?: string | undefined;
  THOUGHT_EMBEDDING_MODEL?: string | undefined;
  THOUGHT_EMBEDDING_DIMENSION?: number | undefined;
}

/** Variables that only make sense together: all set or none, else a ConfigError naming the missing ones. */
function together(cfg: ThoughtConfig, names: readonly (keyof ThoughtConfig)[]): boolean {
  const set = names.filter((n) => cfg[n] !== undefined);
  if (set.length === 0) return false;
  if (set.length === names.length) return true;
  throw new ConfigError(
    names
      .filter((n) => cfg[n] === undefined)
      .map((n) => ({
        variable: n,
        problem: `required when ${set.join(' and ')} ${set.length === 1 ? 'is' : 'are'} set`,
      })),
  );
}

export function thoughtOptionsFrom(cfg: ThoughtConfig): Partial<ThoughtOptions> {
  const llm = together(cfg, ['THOUGHT_SUMMARIZER_BASE_URL', 'THOUGHT_SUMMARIZER_MODEL']);
  const remoteEmbeddings = together(cfg, [
    'THOUGHT_EMBEDDING_BASE_URL',
    'THOUGHT_EMBEDDING_MODEL',
    'THOUGHT_EMBEDDING_DIMENSION',
  ]);
  const embedder: Embedder = remoteEmbeddings
    ? new OpenAiCompatibleEmbedder({
        baseUrl: cfg.THOUGHT_EMBEDDING_BASE_URL as string,
        model: cfg.THOUGHT_EMBEDDING_MODEL as string,
        dimension: cfg.THOUGHT_EMBEDDING_DIMENSION as number,
      })
    : new HashedNgramEmbedder();
  return {
    summarizer: llm
      ? {
          baseUrl: cfg.THOUGHT_SUMMARIZER_BASE_URL as string,
          model: cfg.THOUGHT_SUMMARIZER_MODEL as string,
          ...(cfg.THOUGHT_SUMMARIZER_API_KEY ? { apiKey: cfg.THOUGHT_SUMMARIZER_API_KEY } : {}),
          timeoutMs: cfg.THOUGHT_SUMMARIZER_TIMEOUT_MS,
        }
      : null,
    summarizerConcurrency: cfg.THOUGHT_SUMMARIZER_CONCURRENCY,
    defaultQueriesPerTask: cfg.THOUGHT_QUERIES_PER_TASK,
    embedder,
  };
}
