import { LlmError } from './llm-error';
import { realSleep, type Sleep } from './retry.policy';

export interface RequestLimiterOptions {
  /** Most calls in flight at once (a semaphore). */
  maxConcurrent: number;
  /** Least time between the starts of two calls (ms). Default 0. */
  minIntervalMs?: number;
  sleep?: Sleep;
  /** Monotonic ms. */
  now?: () => number;
}

interface Waiter {
  grant: () => void;
}

/**
 * Bounds concurrency and spaces out request starts, FIFO. Share one instance among everything that calls
 * the same server, so the limits hold across callers.
 */
export class RequestLimiter {
  readonly maxConcurrent: number;
  readonly minIntervalMs: number;
  private readonly sleep: Sleep;
  private readonly now: () => number;
  private active = 0;
  private readonly waiters: Waiter[] = [];
  /** The earliest time the next call may start; reserved up front so concurrent callers queue their starts. */
  private nextStartAt = Number.NEGATIVE_INFINITY;

  constructor(opts: RequestLimiterOptions) {
    if (!Number.isInteger(opts.maxConcurrent) || opts.maxConcurrent < 1) {
      throw new RangeError(`maxConcurrent must be an integer >= 1, got ${opts.maxConcurrent}`);
    }
    const minIntervalMs = opts.minIntervalMs ?? 0;
    if (!Number.isFinite(minIntervalMs) || minIntervalMs < 0) {
      throw new RangeError(`minIntervalMs must be a finite number >= 0, got ${minIntervalMs}`);
    }
    this.maxConcurrent = opts.maxConcurrent;
    this.minIntervalMs = minIntervalMs;
    this.sleep = opts.sleep ?? realSleep;
    this.now = opts.now ?? (() => performance.now());
  }

  /** Calls in flight now. */
  get inFlight(): number {
    return this.active;
  }

  /** Calls waiting for a slot. */
  get queued(): number {
    return this.waiters.length;
  }

  /** Runs `fn` once a slot is free and the min interval has passed; the slot is released when it settles. */
  async run<T>(fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    const release = await this.acquire(signal);
    try {
      return await fn();
    } finally {
      release();
    }
  }

  /**
   * Waits for a slot and the min interval, and returns the function that gives the slot back (safe to call
   * twice). For work that outlives one promise, such as a stream.
   */
  async acquire(signal?: AbortSignal): Promise<() => void> {
    await this.takeSlot(signal);
    let released = false;
    const release = (): void => {
      if (released) return;
      released = true;
      this.release();
    };
    try {
      if (this.minIntervalMs > 0) {
        const now = this.now();
        const startAt = Math.max(now, this.nextStartAt);
        this.nextStartAt = startAt + this.minIntervalMs;
        if (startAt > now) await this.sleep(startAt - now, signal);
      }
    } catch (err) {
      release();
      throw err;
    }
    return release;
  }

  private takeSlot(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted)
      return Promise.reject(new LlmError('cancelled', 'aborted while waiting for a request slot'));
    if (this.active < this.maxConcurrent) {
      this.active++;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const onAbort = (): void => {
        const i = this.waiters.indexOf(waiter);
        if (i >= 0) this.waiters.splice(i, 1);
        reject(new LlmError('cancelled', 'aborted while waiting for a request slot'));
      };
      const waiter: Waiter = {
        grant: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      this.waiters.push(waiter);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  private release(): void {
    const next = this.waiters.shift();
    // The slot passes straight to the next waiter, so `active` never dips and lets a newcomer jump the queue.
    if (next) next.grant();
    else this.active--;
  }
}
