import { isLlmError, LlmError } from './llm-error';

/** Sleeps `ms`, or rejects with a `cancelled` LlmError when `signal` aborts first. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

export const realSleep: Sleep = (ms, signal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) {
      reject(new LlmError('cancelled', 'aborted while waiting'));
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new LlmError('cancelled', 'aborted while waiting'));
    };
    const timer = setTimeout(
      () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      },
      Math.max(0, ms),
    );
    signal?.addEventListener('abort', onAbort, { once: true });
  });

/**
 * When and how often to try again. The delay before retry n (n = 0 for the first retry) is
 * `baseDelayMs * 2^n + jitterMs * U(0,1)`, capped at `maxDelayMs`; a server's `Retry-After` raises it.
 */
export interface RetryPolicy {
  /** Total attempts, the first included (the paper's "up to 3 retries" is 4). */
  maxAttempts: number;
  baseDelayMs: number;
  jitterMs: number;
  /** Cap on the computed backoff (not on Retry-After). Default: no cap. */
  maxDelayMs?: number;
  /** A Retry-After longer than this ends the retries (the error is thrown). Default 60 s. */
  maxRetryAfterMs?: number;
  /** Give up once the next wait would end past this much time since the first attempt. Default: no limit. */
  maxElapsedMs?: number;
  /** Which errors to retry. Default: `LlmError`s flagged retryable. */
  retryOn?: (err: unknown) => boolean;
}

export interface RetryEvent {
  /** The attempt that failed (1-based). */
  attempt: number;
  delayMs: number;
  error: unknown;
}

/** Injectable effects, so tests run without real time or randomness. */
export interface RetryDeps {
  sleep?: Sleep;
  /** Monotonic ms, for `maxElapsedMs`. */
  now?: () => number;
  /** U(0,1), for jitter. */
  random?: () => number;
  onRetry?: (event: RetryEvent) => void;
  signal?: AbortSignal;
}

export const defaultRetryOn = (err: unknown): boolean => isLlmError(err) && err.retryable;

/** The backoff before retry `retryIndex` (0-based), without Retry-After. */
export function backoffDelayMs(policy: RetryPolicy, retryIndex: number, random: () => number): number {
  const raw = policy.baseDelayMs * 2 ** retryIndex + policy.jitterMs * random();
  return policy.maxDelayMs === undefined ? raw : Math.min(raw, policy.maxDelayMs);
}

/**
 * Runs `fn` until it succeeds, the error is not retryable, or the attempts run out; then throws the last error.
 * `fn` gets the 1-based attempt number.
 */
export async function withRetry<T>(
  fn: (attempt: number) => Promise<T>,
  policy: RetryPolicy,
  deps: RetryDeps = {},
): Promise<T> {
  const sleep = deps.sleep ?? realSleep;
  const now = deps.now ?? (() => performance.now());
  const random = deps.random ?? Math.random;
  const retryOn = policy.retryOn ?? defaultRetryOn;
  const maxRetryAfterMs = policy.maxRetryAfterMs ?? 60_000;
  const maxAttempts = Math.max(1, Math.floor(policy.maxAttempts));
  const startedAt = now();

  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (err) {
      if (attempt >= maxAttempts || !retryOn(err) || deps.signal?.aborted) throw err;
      let delayMs = backoffDelayMs(policy, attempt - 1, random);
      const retryAfterMs = isLlmError(err) ? err.retryAfterMs : undefined;
      if (retryAfterMs !== undefined) {
        if (retryAfterMs > maxRetryAfterMs) throw err;
        delayMs = Math.max(delayMs, retryAfterMs);
      }
      if (policy.maxElapsedMs !== undefined && now() + delayMs - startedAt > policy.maxElapsedMs) throw err;
      deps.onRetry?.({ attempt, delayMs, error: err });
      await sleep(delayMs, deps.signal);
    }
  }
}
