import { createHash } from 'node:crypto';
import type { RouterTrainingRunner } from '../../application/ports/training-runner.port';
import {
  runRouterTrainingJob,
  type RouterTrainingJob,
  type RouterTrainingOutcome,
} from '../../application/training/router-training.job';

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * Trains on the event loop, yielding between kinds (and between fitting and scoring). Requests are served between
 * kinds, but one kind's fit blocks for its duration: fine for small logs and tests, the worker runner otherwise.
 */
export class InlineTrainingRunner implements RouterTrainingRunner {
  readonly name = 'inline';

  run(job: RouterTrainingJob): Promise<RouterTrainingOutcome> {
    return runRouterTrainingJob(job, {
      sha256: sha256Hex,
      yieldTurn: () => new Promise<void>((resolve) => setImmediate(resolve)),
    });
  }
}
