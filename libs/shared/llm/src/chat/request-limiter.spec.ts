import { describe, expect, it } from 'vitest';
import { RequestLimiter } from './request-limiter';

const tick = (ms = 0): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('RequestLimiter', () => {
  it('never runs more than maxConcurrent at once and runs them all', async () => {
    const limiter = new RequestLimiter({ maxConcurrent: 3 });
    let active = 0;
    let peak = 0;
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        limiter.run(async () => {
          active++;
          peak = Math.max(peak, active);
          await tick(i % 4);
          active--;
          return i;
        }),
      ),
    );
    expect(results).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(peak).toBe(3);
    expect(limiter.inFlight).toBe(0);
  });

  it('starts waiters in FIFO order', async () => {
    const limiter = new RequestLimiter({ maxConcurrent: 1 });
    const order: number[] = [];
    await Promise.all([1, 2, 3, 4].map((i) => limiter.run(async () => void order.push(i))));
    expect(order).toEqual([1, 2, 3, 4]);
  });

  it('releases the slot when the task throws', async () => {
    const limiter = new RequestLimiter({ maxConcurrent: 1 });
    await expect(limiter.run(async () => Promise.reject(new Error('x')))).rejects.toThrow('x');
    expect(await limiter.run(async () => 'next')).toBe('next');
  });

  it('spaces starts by minIntervalMs (injected clock and sleep)', async () => {
    let now = 1000;
    const sleeps: number[] = [];
    const limiter = new RequestLimiter({
      maxConcurrent: 10,
      minIntervalMs: 100,
      now: () => now,
      sleep: async (ms) => {
        sleeps.push(ms);
      },
    });
    const starts: number[] = [];
    await Promise.all([0, 1, 2].map(() => limiter.run(async () => void starts.push(now))));
    // All three arrive at t=1000: the first goes at once, the others reserve t=1100 and t=1200.
    expect(sleeps).toEqual([100, 200]);
    now = 5000;
    await limiter.run(async () => undefined);
    expect(sleeps).toEqual([100, 200]);
  });

  it('lets a queued caller abort without taking a slot', async () => {
    const limiter = new RequestLimiter({ maxConcurrent: 1 });
    let releaseFirst: () => void = () => undefined;
    const first = limiter.run(() => new Promise<void>((r) => (releaseFirst = r)));
    const controller = new AbortController();
    const second = limiter.run(async () => 'never', controller.signal);
    expect(limiter.queued).toBe(1);
    controller.abort();
    await expect(second).rejects.toMatchObject({ kind: 'cancelled' });
    expect(limiter.queued).toBe(0);
    releaseFirst();
    await first;
    expect(await limiter.run(async () => 'free')).toBe('free');
  });

  it('rejects nonsense limits', () => {
    expect(() => new RequestLimiter({ maxConcurrent: 0 })).toThrow(/maxConcurrent/);
    expect(() => new RequestLimiter({ maxConcurrent: 1, minIntervalMs: -1 })).toThrow(/minIntervalMs/);
  });
});
