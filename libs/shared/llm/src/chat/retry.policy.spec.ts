import { describe, expect, it } from 'vitest';
import { LlmError } from './llm-error';
import { backoffDelayMs, withRetry, type RetryPolicy } from './retry.policy';

const policy: RetryPolicy = { maxAttempts: 4, baseDelayMs: 2000, jitterMs: 1000 };

function harness(): { sleeps: number[]; sleep: (ms: number) => Promise<void> } {
  const sleeps: number[] = [];
  return {
    sleeps,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
  };
}

describe('backoffDelayMs', () => {
  it('follows base * 2^n + jitter * U(0,1) (the paper: 2·2^n s + U(0,1) s)', () => {
    expect(backoffDelayMs(policy, 0, () => 0)).toBe(2000);
    expect(backoffDelayMs(policy, 1, () => 0.5)).toBe(4500);
    expect(backoffDelayMs(policy, 2, () => 0.999)).toBeCloseTo(8999);
  });

  it('caps the backoff at maxDelayMs', () => {
    expect(backoffDelayMs({ ...policy, maxDelayMs: 3000 }, 5, () => 0)).toBe(3000);
  });
});

describe('withRetry', () => {
  it('returns the first success and passes the attempt number', async () => {
    const { sleeps, sleep } = harness();
    const seen: number[] = [];
    const result = await withRetry(
      async (attempt) => {
        seen.push(attempt);
        if (attempt < 3) throw new LlmError('server_error', 'boom');
        return 'ok';
      },
      policy,
      { sleep, random: () => 0 },
    );
    expect(result).toBe('ok');
    expect(seen).toEqual([1, 2, 3]);
    expect(sleeps).toEqual([2000, 4000]);
  });

  it('stops after maxAttempts and throws the last error', async () => {
    const { sleeps, sleep } = harness();
    let calls = 0;
    const err = await withRetry(
      async () => {
        calls++;
        throw new LlmError('rate_limited', `attempt ${calls}`);
      },
      policy,
      { sleep, random: () => 0 },
    ).catch((e: unknown) => e);
    expect(calls).toBe(4);
    expect((err as LlmError).message).toBe('attempt 4');
    expect(sleeps).toEqual([2000, 4000, 8000]);
  });

  it('never retries non-retryable kinds or foreign errors', async () => {
    for (const error of [
      new LlmError('bad_request', 'x'),
      new LlmError('auth', 'x'),
      new LlmError('malformed_response', 'x'),
      new Error('plain'),
    ]) {
      const { sleeps, sleep } = harness();
      let calls = 0;
      await expect(
        withRetry(
          async () => {
            calls++;
            throw error;
          },
          policy,
          { sleep },
        ),
      ).rejects.toBe(error);
      expect(calls).toBe(1);
      expect(sleeps).toEqual([]);
    }
  });

  it('waits at least the Retry-After delay', async () => {
    const { sleeps, sleep } = harness();
    let calls = 0;
    await withRetry(
      async () => {
        if (calls++ === 0) throw new LlmError('rate_limited', 'wait', { retryAfterMs: 5000 });
        return 1;
      },
      policy,
      { sleep, random: () => 0 },
    );
    expect(sleeps).toEqual([5000]);
  });

  it('keeps the longer backoff when Retry-After is shorter', async () => {
    const { sleeps, sleep } = harness();
    let calls = 0;
    await withRetry(
      async () => {
        if (calls++ === 0) throw new LlmError('rate_limited', 'wait', { retryAfterMs: 100 });
        return 1;
      },
      policy,
      { sleep, random: () => 0 },
    );
    expect(sleeps).toEqual([2000]);
  });

  it('gives up when Retry-After exceeds maxRetryAfterMs', async () => {
    const { sleeps, sleep } = harness();
    const error = new LlmError('rate_limited', 'come back tomorrow', { retryAfterMs: 86_400_000 });
    await expect(
      withRetry(
        async () => {
          throw error;
        },
        policy,
        { sleep },
      ),
    ).rejects.toBe(error);
    expect(sleeps).toEqual([]);
  });

  it('gives up when the next wait would pass maxElapsedMs (injected clock)', async () => {
    let now = 0;
    const sleeps: number[] = [];
    let calls = 0;
    await expect(
      withRetry(
        async () => {
          calls++;
          throw new LlmError('server_error', 'down');
        },
        { ...policy, maxElapsedMs: 5000 },
        {
          now: () => now,
          random: () => 0,
          sleep: async (ms) => {
            sleeps.push(ms);
            now += ms;
          },
        },
      ),
    ).rejects.toBeInstanceOf(LlmError);
    // 2000 fits (t=2000); 2000 + 4000 > 5000 does not.
    expect(sleeps).toEqual([2000]);
    expect(calls).toBe(2);
  });

  it('reports each retry to onRetry', async () => {
    const events: { attempt: number; delayMs: number }[] = [];
    let calls = 0;
    await withRetry(
      async () => {
        if (calls++ < 2) throw new LlmError('network', 'reset');
        return 'ok';
      },
      { maxAttempts: 3, baseDelayMs: 1, jitterMs: 0 },
      { sleep: async () => undefined, onRetry: ({ attempt, delayMs }) => events.push({ attempt, delayMs }) },
    );
    expect(events).toEqual([
      { attempt: 1, delayMs: 1 },
      { attempt: 2, delayMs: 2 },
    ]);
  });

  it('stops waiting when the signal aborts (real sleep)', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 20);
    const started = Date.now();
    const err = await withRetry(
      async () => {
        throw new LlmError('server_error', 'down');
      },
      { maxAttempts: 3, baseDelayMs: 10_000, jitterMs: 0 },
      { signal: controller.signal },
    ).catch((e: unknown) => e);
    expect((err as LlmError).kind).toBe('cancelled');
    expect(Date.now() - started).toBeLessThan(2000);
  });
});
