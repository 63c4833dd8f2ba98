import type { OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { counter, histogram, rootLogger } from '@fusion/shared/telemetry';
import type { ScoringJobKind, ScoringResult } from '../../application/scoring-pipeline/scoring-pipeline.port';
import type { ScoringWorker, ScoringWorkerDeps } from '../../application/scoring-pipeline/scoring-worker';

const results = counter(
  'fusion_evaluation_results_total',
  'Scoring pipeline results stored, by kind and outcome',
  ['kind', 'outcome'],
);
const durations = histogram(
  'fusion_evaluation_job_seconds',
  'Time from lease to stored result of one queued scoring job',
  ['kind'],
  [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
);

/** Starts and stops the pipeline's workers with the process; the consumer kicks them when it queued work. */
export class ScoringWorkers implements OnApplicationBootstrap, OnModuleDestroy {
  constructor(
    private readonly workers: readonly ScoringWorker[],
    private readonly enabled: boolean,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.enabled) return;
    // Jobs left by a previous run (or another replica's expired leases) are taken up at once.
    for (const w of this.workers) w.start();
  }

  kick(): void {
    for (const w of this.workers) w.kick();
  }

  async onModuleDestroy(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.stop()));
  }
}

/** Hooks that count, time and log what a worker does. */
export function workerTelemetry(kind: ScoringJobKind): Pick<ScoringWorkerDeps, 'onResult' | 'onError'> {
  const log = rootLogger().child({ component: `evaluation-${kind}-worker` });
  return {
    onResult: (r: ScoringResult, _job, ms) => {
      const outcome =
        r.kind === 'score' ? (r.outcome.performance === null ? 'not_scored' : 'scored') : r.verdict.status;
      results.inc({ kind, outcome });
      durations.observe({ kind }, ms / 1000);
    },
    onError: (err, job) =>
      log.warn({ err, recordId: job?.subject.recordId ?? null }, `${kind} job failed; it is retried later`),
  };
}
