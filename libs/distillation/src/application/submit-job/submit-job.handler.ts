import { DomainError, type IdGenerator } from '@fusion/shared/kernel';
import { decideJob } from '../../domain/distillation-job.decider';
import { defaultStudentName, validateBaseModel, validateStudentName } from '../../domain/student-name';
import { renderTrainerConfig, type LoraHyperparameters } from '../../domain/trainer-config';
import {
  kubernetesName,
  renderTrainerJobManifest,
  type TrainerClusterSettings,
} from '../../domain/trainer-job.manifest';
import { shortId } from '../build-dataset/build-dataset.handler';
import type { DatasetFileWriter } from '../ports/dataset-file-writer.port';
import type { DatasetRepository } from '../ports/dataset-repository.port';
import type { DistillationJobRepository } from '../ports/distillation-job-repository.port';
import type { OperationContext } from '../ports/operation-context';
import type { TrainerJobRunner } from '../ports/trainer-job-runner.port';
import type { SubmitJobCommand, SubmitJobResult } from './submit-job.command';

export interface SubmitJobDeps {
  datasets: DatasetRepository;
  files: DatasetFileWriter;
  jobs: DistillationJobRepository;
  runner: TrainerJobRunner;
  ids: IdGenerator;
  defaultBaseModel: string;
  hyperparameters: LoraHyperparameters;
  cluster: TrainerClusterSettings;
}

function joinPosix(...parts: string[]): string {
  return parts
    .filter((p) => p !== '' && p !== '.')
    .join('/')
    .replace(/\/{2,}/g, '/');
}

/**
 * SubmitJob: render the LLaMA-Factory config and the Kubernetes Job for a dataset, hand them to the runner,
 * and record the outcome as `DistillationJobSubmitted` on the job's own stream.
 */
export class SubmitJobHandler {
  constructor(private readonly deps: SubmitJobDeps) {}

  async execute(cmd: SubmitJobCommand, ctx: OperationContext = {}): Promise<SubmitJobResult> {
    const datasetId = cmd.datasetId.trim();
    if (datasetId === '')
      throw DomainError.invalidArgument(
        'dataset_id',
        'is required: pass the id `fusion distill dataset` printed',
      );
    const baseModel = validateBaseModel(cmd.baseModel.trim() || this.deps.defaultBaseModel);
    const dataset = await this.deps.datasets.get(cmd.tenant, datasetId);
    if (!dataset) {
      throw DomainError.notFound(
        `dataset ${datasetId} of tenant '${cmd.tenant}' (build one with \`fusion distill dataset\`)`,
      );
    }
    const id = shortId(this.deps.ids);
    const jobId = `job-${id}`;
    const studentName = validateStudentName(
      cmd.studentName.trim() || defaultStudentName(baseModel, dataset.setting, id),
    );
    const mount = this.deps.cluster.dataMountPath.replace(/\/+$/, '');
    const trainerConfigYaml = renderTrainerConfig({
      baseModel,
      datasetName: dataset.datasetName,
      datasetDir: `/${joinPosix(mount, dataset.relativeDir)}`.replace(/^\/+/, '/'),
      outputDir: `/${joinPosix(mount, 'models', kubernetesName(cmd.tenant), studentName)}`.replace(
        /^\/+/,
        '/',
      ),
      hyperparameters: this.deps.hyperparameters,
    });
    const name = kubernetesName(`fusion-sft-${id}`);
    const manifest = renderTrainerJobManifest({
      name,
      tenant: cmd.tenant,
      jobId,
      datasetId,
      studentName,
      trainerConfigYaml,
      cluster: this.deps.cluster,
    });

    const { state, version } = await this.deps.jobs.load(cmd.tenant, jobId);
    const outcome = await this.deps.runner.submit({
      tenant: cmd.tenant,
      jobId,
      manifest,
      namespace: this.deps.cluster.namespace,
      name,
      trainerConfigYaml,
      datasetHostDir: this.deps.files.hostDir(dataset.relativeDir),
    });
    const h = this.deps.hyperparameters;
    const events = decideJob(
      {
        type: 'RecordSubmission',
        submission: {
          jobId,
          datasetId,
          baseModel,
          studentName,
          runner: this.deps.runner.kind,
          status: outcome.status,
          message: outcome.message,
          manifestPath: outcome.manifestPath,
          kubernetes: outcome.kubernetes,
          hyperparameters: {
            finetuningType: 'lora',
            loraRank: h.loraRank,
            loraTarget: h.loraTarget,
            learningRate: h.learningRate,
            numTrainEpochs: h.numTrainEpochs,
            lrSchedulerType: h.lrSchedulerType,
            warmupRatio: h.warmupRatio,
            cutoffLen: h.cutoffLen,
            perDeviceTrainBatchSize: h.perDeviceTrainBatchSize,
            gradientAccumulationSteps: h.gradientAccumulationSteps,
          },
        },
      },
      state,
    );
    await this.deps.jobs.append(cmd.tenant, jobId, events, version, ctx);
    const view = await this.deps.jobs.get(cmd.tenant, jobId);
    if (!view) throw new Error(`distillation job ${jobId} was recorded but is missing from the read model`);
    return view;
  }
}
