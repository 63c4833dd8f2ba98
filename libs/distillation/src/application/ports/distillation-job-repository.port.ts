import type { DistillationJobEvent, DistillationJobState } from '../../domain/distillation-job.decider';
import type { OperationContext } from './operation-context';

/** A job as the `distillation_jobs` read model shows it. */
export interface DistillationJobView {
  jobId: string;
  datasetId: string;
  baseModel: string;
  studentName: string;
  status: string;
  runner: string;
  message: string;
  manifestPath: string | null;
  kubernetesNamespace: string | null;
  kubernetesName: string | null;
  submittedAt: string;
}

/** Event-sourced jobs (one stream per job) with their read model, updated in the append's transaction. */
export interface DistillationJobRepository {
  load(tenant: string, jobId: string): Promise<{ state: DistillationJobState; version: number }>;
  append(
    tenant: string,
    jobId: string,
    events: DistillationJobEvent[],
    expectedVersion: number,
    ctx?: OperationContext,
  ): Promise<void>;
  get(tenant: string, jobId: string): Promise<DistillationJobView | null>;
  /** Newest first. */
  list(tenant: string): Promise<DistillationJobView[]>;
}
