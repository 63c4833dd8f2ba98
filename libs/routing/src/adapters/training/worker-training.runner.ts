import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { RouterTrainingRunner } from '../../application/ports/training-runner.port';
import type {
  RouterTrainingJob,
  RouterTrainingOutcome,
} from '../../application/training/router-training.job';

type Reply =
  { id: number; ok: true; outcome: RouterTrainingOutcome } | { id: number; ok: false; error: string };

/**
 * One training worker thread per process, started on first use and kept (unref'd while idle) rather than spawned
 * per job: a native addon (the TypeScript hook's compiler) cannot be loaded again in a new thread after an earlier
 * thread unloaded it without crashing the process. Jobs run one at a time, in order.
 */
class SharedTrainingWorker {
  private readonly worker: Worker;
  private readonly pending = new Map<
    number,
    { resolve: (o: RouterTrainingOutcome) => void; reject: (e: Error) => void }
  >();
  private nextId = 1;
  dead = false;

  constructor() {
    this.worker = spawnTrainingWorker();
    this.worker.unref();
    this.worker.on('message', (msg: Reply) => {
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      if (this.pending.size === 0) this.worker.unref();
      if (msg.ok) p.resolve(msg.outcome);
      else p.reject(new Error(`router training failed in the worker: ${msg.error}`));
    });
    const fail = (why: string): void => {
      this.dead = true;
      for (const p of this.pending.values()) p.reject(new Error(`router training worker ${why}`));
      this.pending.clear();
    };
    this.worker.on('error', (err) => fail(`crashed: ${err.message}`));
    this.worker.on('exit', (code) => fail(`exited with code ${code}`));
  }

  run(job: RouterTrainingJob): Promise<RouterTrainingOutcome> {
    return new Promise((resolve, reject) => {
      const id = this.nextId++;
      this.pending.set(id, { resolve, reject });
      this.worker.ref();
      this.worker.postMessage({ id, job });
    });
  }
}

let shared: SharedTrainingWorker | null = null;

/** Trains in a worker thread, so fitting a large log never blocks the gRPC server's event loop. */
export class WorkerTrainingRunner implements RouterTrainingRunner {
  readonly name = 'worker';

  run(job: RouterTrainingJob): Promise<RouterTrainingOutcome> {
    if (!shared || shared.dead) shared = new SharedTrainingWorker();
    return shared.run(job);
  }
}

function spawnTrainingWorker(): Worker {
  const compiled = join(__dirname, 'router-training.worker.js');
  if (existsSync(compiled)) return new Worker(compiled);
  // TypeScript sources (tests, `node -r @swc-node/register`): register the same hook in the thread first.
  const source = join(__dirname, 'router-training.worker.ts');
  const hook = require.resolve('@swc-node/register');
  return new Worker(`require(${JSON.stringify(hook)}); require(${JSON.stringify(source)});`, { eval: true });
}
