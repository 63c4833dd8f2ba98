import { OpenAiCompatibleChatBackend } from '@fusion/shared/llm';
import { JudgeService, type JudgeServiceOptions } from '../../application/judge/judge.service';

/** Where the LLM judge is and how hard to drive it. */
export interface JudgeSettings {
  /** OpenAI-compatible server root (`http://vllm:8000`, a trailing `/v1` is fine). */
  baseUrl: string;
  model: string;
  apiKey?: string;
  /** Judge calls in flight at once. */
  concurrency: number;
  /** Per-call timeout (ms); default 60 000. */
  timeoutMs?: number;
  /** Retries after the first call (429, 5xx, timeouts); default 3, the paper's. */
  maxRetries?: number;
  retryBaseDelayMs?: number;
  retryJitterMs?: number;
  minIntervalMs?: number;
}

/**
 * The judge over an OpenAI-compatible chat backend. JudgeService itself applies the paper's retry policy (honouring
 * Retry-After) and a concurrency limiter and counts attempts per verdict, so the backend is not wrapped in a
 * ResilientChatBackend as well: that would multiply the retries (4 x 4 calls) and hide them from the verdict.
 */
export function createJudgeService(s: JudgeSettings): JudgeService {
  const backend = new OpenAiCompatibleChatBackend({
    baseUrl: s.baseUrl,
    ...(s.apiKey ? { apiKey: s.apiKey } : {}),
    timeoutMs: s.timeoutMs ?? 60_000,
  });
  const opts: JudgeServiceOptions = {
    judgeModel: s.model,
    concurrency: s.concurrency,
    timeoutMs: s.timeoutMs ?? 60_000,
    ...(s.maxRetries !== undefined ? { maxRetries: s.maxRetries } : {}),
    ...(s.retryBaseDelayMs !== undefined ? { retryBaseDelayMs: s.retryBaseDelayMs } : {}),
    ...(s.retryJitterMs !== undefined ? { retryJitterMs: s.retryJitterMs } : {}),
    ...(s.minIntervalMs !== undefined ? { minIntervalMs: s.minIntervalMs } : {}),
  };
  return new JudgeService(backend, opts);
}
