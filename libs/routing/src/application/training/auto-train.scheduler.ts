import type { RoutingLogger } from '../ports/routing-metrics.port';
import type { RoutingSampleStore } from '../ports/routing-sample.store.port';

export interface AutoTrainOptions {
  /** Retrain after this many newly scored samples of a tenant; 0 disables auto-training. */
  every: number;
  /** Wait this long after the last notification before checking (batches arrive in bursts). */
  debounceMs: number;
}

export interface AutoTrainDeps {
  samples: Pick<RoutingSampleStore, 'claimNewScored' | 'newScored'>;
  /** Starts a gated training of the tenant (promote when it beats the champion). */
  train: (tenant: string) => Promise<unknown>;
  isTraining: (tenant: string) => boolean;
  logger: RoutingLogger;
  setTimer?: (fn: () => void, ms: number) => { unref?: () => void };
  clearTimer?: (timer: unknown) => void;
}

/**
 * Auto-training: the sample projection reports newly scored samples per tenant; after `debounceMs` of quiet the
 * scheduler claims the tenant's persisted counter when it reached `every` (one replica wins the claim) and starts a
 * gated training. One training at a time per tenant: a tenant already training is checked again when it finishes.
 */
export class AutoTrainScheduler {
  private readonly timers = new Map<string, unknown>();
  private readonly running = new Map<string, Promise<void>>();
  private stopped = false;
  /** Trainings started so far (for tests and logs). */
  started = 0;

  constructor(
    private readonly options: AutoTrainOptions,
    private readonly deps: AutoTrainDeps,
  ) {}

  get enabled(): boolean {
    return this.options.every > 0;
  }

  /** Called after the projection stored samples of `tenant` (some newly scored). */
  notify(tenant: string): void {
    if (!this.enabled || this.stopped) return;
    const setTimer = this.deps.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
    const clearTimer = this.deps.clearTimer ?? ((t) => clearTimeout(t as NodeJS.Timeout));
    const existing = this.timers.get(tenant);
    if (existing !== undefined) clearTimer(existing);
    const timer = setTimer(() => {
      this.timers.delete(tenant);
      void this.check(tenant);
    }, this.options.debounceMs);
    timer.unref?.();
    this.timers.set(tenant, timer);
  }

  /** Waits for running auto-trainings (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running.values()]);
  }

  stop(): void {
    this.stopped = true;
    const clearTimer = this.deps.clearTimer ?? ((t) => clearTimeout(t as NodeJS.Timeout));
    for (const t of this.timers.values()) clearTimer(t);
    this.timers.clear();
  }

  private async check(tenant: string): Promise<void> {
    if (this.stopped || this.running.has(tenant)) return;
    if (this.deps.isTraining(tenant)) {
      // A manual training is running: look again once it is likely done.
      this.notify(tenant);
      return;
    }
    const run = (async () => {
      try {
        const claimed = await this.deps.samples.claimNewScored(tenant, this.options.every);
        if (claimed === 0) return;
        this.started += 1;
        this.deps.logger.info(
          { tenant, newlyScored: claimed, every: this.options.every },
          'auto-training router',
        );
        await this.deps.train(tenant);
      } catch (err) {
        this.deps.logger.warn({ tenant, err: (err as Error).message }, 'auto-training failed');
      }
    })();
    this.running.set(tenant, run);
    try {
      await run;
    } finally {
      this.running.delete(tenant);
    }
    // Samples scored while training was running may already be enough for the next round.
    if (!this.stopped && (await this.deps.samples.newScored(tenant).catch(() => 0)) >= this.options.every) {
      this.notify(tenant);
    }
  }
}
