// Entry of the training worker thread: runs the jobs it is sent, one at a time, for the life of the process.
import { parentPort } from 'node:worker_threads';
import { runRouterTrainingJob, type RouterTrainingJob } from '../../application/training/router-training.job';
import { sha256Hex } from './inline-training.runner';

const port = parentPort;
let queue: Promise<void> = Promise.resolve();
port?.on('message', (msg: { id: number; job: RouterTrainingJob }) => {
  queue = queue.then(() =>
    runRouterTrainingJob(msg.job, { sha256: sha256Hex }).then(
      (outcome) => port.postMessage({ id: msg.id, ok: true, outcome }),
      (err: unknown) =>
        port.postMessage({ id: msg.id, ok: false, error: err instanceof Error ? err.message : String(err) }),
    ),
  );
});
