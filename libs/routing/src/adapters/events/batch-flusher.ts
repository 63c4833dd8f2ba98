export interface BatchFlusherOptions<T> {
  /** Writes one batch; throwing keeps the batch queued and retries it with backoff. */
  flush: (items: T[]) => Promise<void>;
  /** Delay between the first queued item and its flush (ms). */
  intervalMs: number;
  maxBatch: number;
  /** Above this many queued items, `add` returns a promise that resolves once the queue drains below it. */
  maxQueue: number;
  onError?: (err: unknown, items: number) => void;
}

/**
 * Batches items off the request path: `add` queues and returns at once; a timer flushes the queue every
 * `intervalMs` (one write per batch), retrying failed batches with exponential backoff, in order. When the queue
 * is full, `add` returns a promise (back-pressure) rather than dropping anything. `close` flushes what is left.
 */
export class BatchFlusher<T> {
  private readonly queue: T[] = [];
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> | null = null;
  private failures = 0;
  private readonly drainWaiters: (() => void)[] = [];

  constructor(private readonly options: BatchFlusherOptions<T>) {}

  get pending(): number {
    return this.queue.length;
  }

  add(item: T): void | Promise<void> {
    this.queue.push(item);
    this.schedule(this.options.intervalMs);
    if (this.queue.length > this.options.maxQueue) {
      return new Promise<void>((resolve) => this.drainWaiters.push(resolve));
    }
  }

  /** Flushes until the queue is empty (or `deadlineMs` passes); used on shutdown and by tests. */
  async drain(deadlineMs = 10_000): Promise<void> {
    const deadline = Date.now() + deadlineMs;
    while ((this.queue.length > 0 || this.flushing) && Date.now() < deadline) {
      if (this.timer) {
        clearTimeout(this.timer);
        this.timer = null;
      }
      await (this.flushing ?? this.flushOnce());
      if (this.failures > 0 && this.queue.length > 0)
        await new Promise((r) => setTimeout(r, Math.min(250, this.backoff())));
    }
  }

  async close(deadlineMs = 10_000): Promise<void> {
    await this.drain(deadlineMs);
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private backoff(): number {
    return Math.min(5_000, this.options.intervalMs * 2 ** Math.min(this.failures, 12));
  }

  private schedule(delayMs: number): void {
    if (this.timer || this.flushing) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.flushOnce();
    }, delayMs);
  }

  private flushOnce(): Promise<void> {
    if (this.flushing) return this.flushing;
    if (this.queue.length === 0) return Promise.resolve();
    const batch = this.queue.slice(0, this.options.maxBatch);
    this.flushing = this.options
      .flush(batch)
      .then(
        () => {
          this.queue.splice(0, batch.length);
          this.failures = 0;
          if (this.queue.length <= this.options.maxQueue) {
            for (const w of this.drainWaiters.splice(0)) w();
          }
        },
        (err: unknown) => {
          this.failures += 1;
          this.options.onError?.(err, batch.length);
        },
      )
      .finally(() => {
        this.flushing = null;
        if (this.queue.length > 0)
          this.schedule(this.failures > 0 ? this.backoff() : this.options.intervalMs);
      });
    return this.flushing;
  }
}
