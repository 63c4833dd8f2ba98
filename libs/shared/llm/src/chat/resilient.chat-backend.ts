import type { ChatBackend, ChatCallOptions, ChatChunk, ChatRequest, ChatResult } from './chat-backend.port';
import type { RequestLimiter } from './request-limiter';
import { withRetry, type RetryDeps, type RetryPolicy } from './retry.policy';

/** The paper's judge policy: up to 3 retries, waiting 2·2^n s + U(0,1) s. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 4, baseDelayMs: 2000, jitterMs: 1000 };

export interface ResilientChatOptions {
  retry?: RetryPolicy;
  /** Shared limiter; each attempt takes a slot (released while backing off). */
  limiter?: RequestLimiter;
  /** Injectable sleep, clock, randomness and a retry hook. */
  deps?: Omit<RetryDeps, 'signal'>;
}

/**
 * Decorates any `ChatBackend` with retries (retryable `LlmError`s only, honouring Retry-After) and a
 * concurrency/interval limiter. A stream is retried only until its first chunk arrives; after that an error
 * reaches the consumer, since text already delivered cannot be taken back.
 */
export class ResilientChatBackend implements ChatBackend {
  private readonly policy: RetryPolicy;

  constructor(
    private readonly inner: ChatBackend,
    private readonly opts: ResilientChatOptions = {},
  ) {
    this.policy = opts.retry ?? DEFAULT_RETRY_POLICY;
  }

  complete(req: ChatRequest, opts: ChatCallOptions = {}): Promise<ChatResult> {
    const limiter = this.opts.limiter;
    const once = (): Promise<ChatResult> =>
      limiter
        ? limiter.run(() => this.inner.complete(req, opts), opts.signal)
        : this.inner.complete(req, opts);
    return withRetry(once, this.policy, { ...this.opts.deps, signal: opts.signal });
  }

  async *stream(req: ChatRequest, opts: ChatCallOptions = {}): AsyncGenerator<ChatChunk> {
    const limiter = this.opts.limiter;
    const open = async (): Promise<{
      it: AsyncIterator<ChatChunk>;
      first: IteratorResult<ChatChunk>;
      release: () => void;
    }> => {
      const release = limiter ? await limiter.acquire(opts.signal) : () => undefined;
      const it = this.inner.stream(req, opts)[Symbol.asyncIterator]();
      try {
        return { it, first: await it.next(), release };
      } catch (err) {
        release();
        throw err;
      }
    };
    const { it, first, release } = await withRetry(open, this.policy, {
      ...this.opts.deps,
      signal: opts.signal,
    });
    let finished = first.done === true;
    try {
      if (first.done) return;
      yield first.value;
      for (;;) {
        const next = await it.next();
        if (next.done) {
          finished = true;
          return;
        }
        yield next.value;
      }
    } finally {
      release();
      if (!finished) await it.return?.();
    }
  }
}
