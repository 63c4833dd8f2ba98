import { Controller, Inject } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';
import { randomUUID } from 'node:crypto';
import type { distillationV1 } from '@fusion/contracts/grpc';
import { counter, currentTraceContext } from '@fusion/shared/telemetry';
import type { BuildDatasetHandler } from '../../application/build-dataset/build-dataset.handler';
import type { ListJobsHandler } from '../../application/list-jobs/list-jobs.handler';
import type { DistillationJobView } from '../../application/ports/distillation-job-repository.port';
import type { SubmitJobHandler } from '../../application/submit-job/submit-job.handler';
import { BUILD_DATASET_HANDLER, LIST_JOBS_HANDLER, SUBMIT_JOB_HANDLER } from '../distillation.tokens';

const examples = counter('fusion_distillation_sft_examples_total', 'SFT examples written to datasets', [
  'setting',
]);
const jobsSubmitted = counter('fusion_distillation_jobs_submitted_total', 'Trainer jobs submitted', [
  'runner',
  'status',
]);

function toProto(j: DistillationJobView): distillationV1.DistillationJob {
  return {
    jobId: j.jobId,
    datasetId: j.datasetId,
    baseModel: j.baseModel,
    studentName: j.studentName,
    status: j.status,
    submittedAt: j.submittedAt,
    message: j.message,
    runner: j.runner,
    manifestPath: j.manifestPath ?? '',
    kubernetesNamespace: j.kubernetesNamespace ?? '',
    kubernetesName: j.kubernetesName ?? '',
  };
}

/** gRPC adapter of the distillation context. */
@Controller()
export class DistillationGrpcController {
  constructor(
    @Inject(BUILD_DATASET_HANDLER) private readonly buildDataset_: BuildDatasetHandler,
    @Inject(SUBMIT_JOB_HANDLER) private readonly submitJob_: SubmitJobHandler,
    @Inject(LIST_JOBS_HANDLER) private readonly listJobs_: ListJobsHandler,
  ) {}

  @GrpcMethod('DistillationService', 'BuildDataset')
  async buildDataset(req: distillationV1.BuildDatasetRequest): Promise<distillationV1.BuildDatasetResponse> {
    const res = await this.buildDataset_.execute(
      {
        tenant: req.tenant || 'default',
        setting: req.setting ?? '',
        topK: req.topK ?? 0,
        outPath: req.outPath ?? '',
      },
      { correlationId: randomUUID(), ...currentTraceContext() },
    );
    examples.inc({ setting: res.setting }, res.records);
    return {
      records: res.records,
      queries: res.queries,
      path: res.path,
      datasetId: res.datasetId,
      setting: res.setting,
      topK: res.topK,
      datasetName: res.datasetName,
      skippedResponses: res.skippedResponses,
      queriesWithoutGroundTruth: res.queriesWithoutGroundTruth,
    };
  }

  @GrpcMethod('DistillationService', 'SubmitJob')
  async submitJob(req: distillationV1.SubmitJobRequest): Promise<distillationV1.SubmitJobResponse> {
    const job = await this.submitJob_.execute(
      {
        tenant: req.tenant || 'default',
        datasetId: req.datasetId ?? '',
        baseModel: req.baseModel ?? '',
        studentName: req.studentName ?? '',
      },
      { correlationId: randomUUID(), ...currentTraceContext() },
    );
    jobsSubmitted.inc({ runner: job.runner, status: job.status });
    return { job: toProto(job) };
  }

  @GrpcMethod('DistillationService', 'ListJobs')
  async listJobs(req: distillationV1.ListJobsRequest): Promise<distillationV1.ListJobsResponse> {
    const jobs = await this.listJobs_.execute({ tenant: req.tenant || 'default' });
    return { jobs: jobs.map(toProto) };
  }
}
