import type { RouterTrainingJob, RouterTrainingOutcome } from '../training/router-training.job';

/** Runs the CPU-heavy part of training (fit every kind, evaluate on held-out) somewhere that keeps the server responsive. */
export interface RouterTrainingRunner {
  readonly name: string;
  run(job: RouterTrainingJob): Promise<RouterTrainingOutcome>;
}
