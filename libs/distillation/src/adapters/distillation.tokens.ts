import type { LoraHyperparameters } from '../domain/trainer-config';
import type { TrainerClusterSettings } from '../domain/trainer-job.manifest';

export const DISTILLATION_OPTIONS = 'distillation:Options';
export const DISTILLATION_RESPONSE_READER = 'distillation:ResponseReader';
export const DATASET_FILE_WRITER = 'distillation:DatasetFileWriter';
export const DATASET_REPOSITORY = 'distillation:DatasetRepository';
export const DISTILLATION_JOB_REPOSITORY = 'distillation:JobRepository';
export const TRAINER_JOB_RUNNER = 'distillation:TrainerJobRunner';
export const BUILD_DATASET_HANDLER = 'distillation:BuildDatasetHandler';
export const SUBMIT_JOB_HANDLER = 'distillation:SubmitJobHandler';
export const LIST_JOBS_HANDLER = 'distillation:ListJobsHandler';

/** How the service reaches the Kubernetes API (kubernetes runner only). */
export interface KubernetesApiSettings {
  /** Default: in-cluster, from KUBERNETES_SERVICE_HOST/PORT. */
  apiUrl: string | null;
  /** Default: the pod's service-account token file. */
  tokenFile: string;
  timeoutMs: number;
}

/** Distillation settings from the app's config. */
export interface DistillationOptions {
  /** Root of every dataset file (DISTILLATION_DATASET_DIR). */
  datasetDir: string;
  defaultTopK: number;
  defaultBaseModel: string;
  runner: 'kubernetes' | 'local';
  cluster: TrainerClusterSettings;
  kubernetes: KubernetesApiSettings;
  hyperparameters: LoraHyperparameters;
  /** Run the log projection consumer. */
  consumeLogs: boolean;
}
