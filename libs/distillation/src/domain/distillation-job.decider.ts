import { DistillationJobSubmitted, type DistillationJobSubmittedV1 } from '@fusion/contracts';
import { DomainError, ErrorCode } from '@fusion/shared/kernel';

/** `submitted`: the cluster accepted the Job; `awaiting_cluster`: the manifest was written, no cluster to run it. */
export type JobStatus = 'submitted' | 'awaiting_cluster';

export interface DistillationJobState {
  exists: boolean;
  jobId: string | null;
  status: JobStatus | null;
}

export type DistillationJobEvent = {
  type: typeof DistillationJobSubmitted.type;
  data: DistillationJobSubmittedV1;
};

/** Records a submission the runner has made (its outcome included). */
export interface RecordSubmission {
  type: 'RecordSubmission';
  submission: DistillationJobSubmittedV1;
}

export type DistillationJobCommand = RecordSubmission;

export function initialJobState(): DistillationJobState {
  return { exists: false, jobId: null, status: null };
}

/** Decides the events of a job command; a job is submitted once. */
export function decideJob(
  command: DistillationJobCommand,
  state: DistillationJobState,
): DistillationJobEvent[] {
  switch (command.type) {
    case 'RecordSubmission':
      if (state.exists) {
        throw new DomainError(
          ErrorCode.AlreadyExists,
          `distillation job ${state.jobId ?? command.submission.jobId} was already submitted`,
        );
      }
      return [{ type: DistillationJobSubmitted.type, data: command.submission }];
  }
}

export function evolveJob(state: DistillationJobState, event: DistillationJobEvent): DistillationJobState {
  switch (event.type) {
    case DistillationJobSubmitted.type:
      return { exists: true, jobId: event.data.jobId, status: event.data.status as JobStatus };
    default:
      return state;
  }
}
