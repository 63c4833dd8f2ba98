import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type {
  TrainerJobOutcome,
  TrainerJobRunner,
  TrainerJobSpec,
} from '../../application/ports/trainer-job-runner.port';

/**
 * The embedded mode's runner: no GPU trainer runs here. It writes the Job manifest (`job.json`, ready for
 * `kubectl apply -f`) and the trainer config (`trainer.yaml`) next to the dataset and records the job as
 * `awaiting_cluster`, never as running or succeeded.
 */
export class LocalManifestJobRunner implements TrainerJobRunner {
  readonly kind = 'local' as const;

  async submit(spec: TrainerJobSpec): Promise<TrainerJobOutcome> {
    const dir = join(spec.datasetHostDir, 'jobs', spec.jobId);
    await mkdir(dir, { recursive: true });
    const manifestPath = join(dir, 'job.json');
    await writeFile(manifestPath, `${JSON.stringify(spec.manifest, null, 2)}\n`, 'utf8');
    await writeFile(join(dir, 'trainer.yaml'), spec.trainerConfigYaml, 'utf8');
    return {
      status: 'awaiting_cluster',
      message:
        `not started: the GPU trainer runs only on Kubernetes and this service uses the local runner (DISTILLATION_JOB_RUNNER=local). ` +
        `The Job manifest is at ${manifestPath} and the LLaMA-Factory config beside it: apply it with \`kubectl apply -f ${manifestPath}\` ` +
        `on a cluster whose PVC holds the dataset, or run \`llamafactory-cli train ${join(dir, 'trainer.yaml')}\` on a GPU machine ` +
        `after adjusting dataset_dir; or set DISTILLATION_JOB_RUNNER=kubernetes.`,
      manifestPath,
      kubernetes: null,
    };
  }
}
