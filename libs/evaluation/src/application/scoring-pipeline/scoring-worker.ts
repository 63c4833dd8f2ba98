import type { GiveUp, JobPerformer } from './scoring-jobs';
import type { ScoringJob, ScoringJobKind, ScoringRepository, ScoringResult } from './scoring-pipeline.port';

/** Tuning of one worker; defaults suit a sandbox (seconds per job) and a remote judge (up to minutes with retries). */
export interface ScoringWorkerSettings {
  /** Jobs leased per round; they run concurrently (the sandbox and the judge apply their own limits). */
  batchSize: number;
  /** How long a lease lasts; a job whose worker died is taken again after it. */
  leaseMs: number;
  /** Idle polling interval (other replicas' jobs, retries that became due). */
  pollMs: number;
  /** Attempts (leases) before a failing job is recorded as not scored / not judged. */
  maxAttempts: number;
  /** Backoff after the n-th failure: min(retryBaseMs * 2^(n-1), retryMaxMs). */
  retryBaseMs: number;
  retryMaxMs: number;
}

export const DEFAULT_WORKER_SETTINGS: Record<ScoringJobKind, ScoringWorkerSettings> = {
  score: {
    batchSize: 8,
    leaseMs: 60_000,
    pollMs: 1_000,
    maxAttempts: 5,
    retryBaseMs: 1_000,
    retryMaxMs: 60_000,
  },
  judge: {
    batchSize: 16,
    leaseMs: 600_000,
    pollMs: 1_000,
    maxAttempts: 5,
    retryBaseMs: 5_000,
    retryMaxMs: 300_000,
  },
};

export interface ScoringWorkerDeps {
  kind: ScoringJobKind;
  repository: ScoringRepository;
  perform: JobPerformer;
  giveUp: GiveUp;
  settings: ScoringWorkerSettings;
  onResult?: (result: ScoringResult, job: ScoringJob, durationMs: number) => void;
  onError?: (err: unknown, job: ScoringJob | null) => void;
}

// A kick right after a batch transaction: give its COMMIT a moment, so the claim sees the new jobs.
const KICK_DELAY_MS = 20;

/**
 * Drains one kind of queued job: lease a few (short transaction), do the slow work with no transaction open, then
 * store each result and append its event in a short transaction of its own. At-least-once and idempotent: a job is
 * removed only together with its result, under the lease that computed it, and event ids are deterministic.
 */
export class ScoringWorker {
  private running = false;
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  private kicked = false;
  private readonly abort = new AbortController();

  constructor(private readonly deps: ScoringWorkerDeps) {}

  get kind(): ScoringJobKind {
    return this.deps.kind;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** New jobs were committed: drain soon instead of at the next poll. */
  kick(): void {
    this.kicked = true;
    setTimeout(() => this.wake?.(), KICK_DELAY_MS).unref?.();
  }

  /** Stops after the jobs in hand; judge calls are cancelled and their jobs given back. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.abort.abort();
    this.wake?.();
    await this.loop;
  }

  /** One round: lease, perform, store. Returns how many jobs were leased. */
  async drainOnce(): Promise<number> {
    const s = this.deps.settings;
    const jobs = await this.deps.repository.claim(this.deps.kind, s.batchSize, s.leaseMs);
    await Promise.all(jobs.map((job) => this.process(job)));
    return jobs.length;
  }

  private async run(): Promise<void> {
    while (this.running) {
      this.kicked = false;
      let leased = 0;
      try {
        leased = await this.drainOnce();
      } catch (err) {
        this.deps.onError?.(err, null);
      }
      if (!this.running) break;
      if (leased === 0 && !this.kicked) await this.sleep(this.deps.settings.pollMs);
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.wake = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake = done;
    });
  }

  private async process(job: ScoringJob): Promise<void> {
    const signal = this.abort.signal;
    const started = Date.now();
    try {
      let result: ScoringResult;
      try {
        result = await this.deps.perform(job, signal);
      } catch (err) {
        if (signal.aborted) {
          await this.deps.repository.release([job]);
          return;
        }
        const why = err instanceof Error ? err.message : String(err);
        if (job.attempts < this.deps.settings.maxAttempts) {
          await this.deps.repository.reschedule(job, why, this.backoff(job.attempts));
          this.deps.onError?.(err, job);
          return;
        }
        result = this.deps.giveUp(job, `${why} (gave up after ${job.attempts} attempts)`);
      }
      if (await this.deps.repository.complete(job, result))
        this.deps.onResult?.(result, job, Date.now() - started);
    } catch (err) {
      // Storage failed: the lease runs out and the job is taken again.
      this.deps.onError?.(err, job);
    }
  }

  private backoff(attempts: number): number {
    const s = this.deps.settings;
    return Math.min(s.retryBaseMs * 2 ** Math.max(0, attempts - 1), s.retryMaxMs);
  }
}
