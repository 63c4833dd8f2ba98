import type { JobStatus } from '../../domain/distillation-job.decider';

/** Everything a runner needs to start one trainer job. */
export interface TrainerJobSpec {
  tenant: string;
  jobId: string;
  /** The batch/v1 Job manifest (rendered by the domain). */
  manifest: Record<string, unknown>;
  namespace: string;
  name: string;
  /** The `llamafactory-cli train` YAML (also inside the manifest). */
  trainerConfigYaml: string;
  /** The dataset's directory on this host (the local runner writes next to it). */
  datasetHostDir: string;
}

export interface TrainerJobOutcome {
  status: JobStatus;
  message: string;
  manifestPath: string | null;
  kubernetes: { namespace: string; name: string; uid: string | null } | null;
}

/** Starts trainer jobs: on a Kubernetes cluster, or (embedded mode) by writing the manifest for one. */
export interface TrainerJobRunner {
  readonly kind: 'kubernetes' | 'local';
  submit(spec: TrainerJobSpec): Promise<TrainerJobOutcome>;
}
