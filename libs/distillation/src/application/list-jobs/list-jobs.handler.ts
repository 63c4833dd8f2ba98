import type {
  DistillationJobRepository,
  DistillationJobView,
} from '../ports/distillation-job-repository.port';

/** ListJobs: a tenant's trainer jobs, newest first. */
export class ListJobsHandler {
  constructor(private readonly jobs: DistillationJobRepository) {}

  execute(query: { tenant: string }): Promise<DistillationJobView[]> {
    return this.jobs.list(query.tenant);
  }
}
