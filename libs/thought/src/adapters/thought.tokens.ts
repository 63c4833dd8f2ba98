import type { Embedder, RetryPolicy } from '@fusion/shared/llm';

export const THOUGHT_OPTIONS = 'thought:Options';
export const THOUGHT_LIBRARY_STORE = 'thought:LibraryStore';
export const THOUGHT_RESPONSE_READER = 'thought:ResponseReader';
export const THOUGHT_TEMPLATE_CACHE = 'thought:TemplateCache';
export const BUILD_TEMPLATES_HANDLER = 'thought:BuildTemplatesHandler';
export const RETRIEVE_THOUGHTS_HANDLER = 'thought:RetrieveThoughtsHandler';
export const THOUGHT_SUMMARIZER = 'thought:Summarizer';
export const THOUGHT_EMBEDDER = 'thought:Embedder';

/** An OpenAI-compatible chat server that writes the templates (else the extractive summariser does). */
export interface LlmSummarizerSettings {
  baseUrl: string;
  model: string;
  apiKey?: string;
  /** Per-request timeout (ms). Default 120 000. */
  timeoutMs?: number;
  /** Retries of retryable failures. Default: the platform's (4 attempts, 2 s·2^n backoff). */
  retry?: RetryPolicy;
}

/** Thought settings from the app's config. */
export interface ThoughtOptions {
  /** Unset: the deterministic `extractive-v1` summariser. */
  summarizer: LlmSummarizerSettings | null;
  /** Summaries requested at once. */
  summarizerConcurrency: number;
  /** Queries summarised per task when a request says 0. */
  defaultQueriesPerTask: number;
  /** Embeds template queries and retrieval queries. Default: `HashedNgramEmbedder`. */
  embedder: Embedder;
  /** Run the log projection consumer (off only in tests that feed the tables themselves). */
  consumeLogs: boolean;
}
