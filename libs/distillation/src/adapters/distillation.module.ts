import { Module, type DynamicModule } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { ConsumerGroups } from '@fusion/contracts';
import type { EventStore } from '@fusion/shared/event-store';
import type { Clock, IdGenerator } from '@fusion/shared/kernel';
import { CLOCK, DATA_SOURCE, EVENT_STORE, IDS, type ContextModuleSpec } from '@fusion/shared/runtime';
import { BuildDatasetHandler } from '../application/build-dataset/build-dataset.handler';
import { ListJobsHandler } from '../application/list-jobs/list-jobs.handler';
import type { DatasetFileWriter } from '../application/ports/dataset-file-writer.port';
import type { DatasetRepository } from '../application/ports/dataset-repository.port';
import type { DistillationJobRepository } from '../application/ports/distillation-job-repository.port';
import type { DistillationResponseReader } from '../application/ports/distillation-response-reader.port';
import type { TrainerJobRunner } from '../application/ports/trainer-job-runner.port';
import { SubmitJobHandler } from '../application/submit-job/submit-job.handler';
import { DEFAULT_SFT_TOP_K } from '../domain/dataset-setting';
import { DEFAULT_BASE_MODEL, DEFAULT_LORA_HYPERPARAMETERS } from '../domain/trainer-config';
import { DistillationGrpcController } from './grpc/distillation.grpc-controller';
import { DistillationResponsesConsumer } from './kafka/distillation-responses.consumer';
import { FsDatasetFileWriter } from './files/fs-dataset-file.writer';
import { CreateDistillationTables1767226400000 } from './persistence/1767226400000-create-distillation-tables';
import { TypeOrmDatasetRepository } from './persistence/typeorm-dataset.repository';
import { TypeOrmDistillationJobRepository } from './persistence/typeorm-distillation-job.repository';
import { TypeOrmDistillationResponseReader } from './persistence/typeorm-distillation-response.reader';
import {
  inClusterApiUrl,
  KubernetesJobRunner,
  SERVICE_ACCOUNT_TOKEN_FILE,
  tokenFromFile,
} from './trainer/kubernetes-job.runner';
import { LocalManifestJobRunner } from './trainer/local-manifest-job.runner';
import {
  BUILD_DATASET_HANDLER,
  DATASET_FILE_WRITER,
  DATASET_REPOSITORY,
  DISTILLATION_JOB_REPOSITORY,
  DISTILLATION_OPTIONS,
  DISTILLATION_RESPONSE_READER,
  LIST_JOBS_HANDLER,
  SUBMIT_JOB_HANDLER,
  TRAINER_JOB_RUNNER,
  type DistillationOptions,
} from './distillation.tokens';

/** Defaults: datasets under out/datasets, top-5, Llama-3.1-8B-Instruct, the local runner, one GPU per job. */
export function resolveDistillationOptions(options: Partial<DistillationOptions> = {}): DistillationOptions {
  return {
    datasetDir: options.datasetDir ?? 'out/datasets',
    defaultTopK: options.defaultTopK ?? DEFAULT_SFT_TOP_K,
    defaultBaseModel: options.defaultBaseModel ?? DEFAULT_BASE_MODEL,
    runner: options.runner ?? 'local',
    cluster: options.cluster ?? {
      namespace: 'default',
      image: 'hiyouga/llamafactory:latest',
      gpus: 1,
      nodeSelector: {},
      tolerations: [],
      datasetPvc: 'fusion-distillation-datasets',
      dataMountPath: '/data',
      hfTokenSecret: null,
      ttlSecondsAfterFinished: 7 * 24 * 3600,
    },
    kubernetes: options.kubernetes ?? {
      apiUrl: null,
      tokenFile: SERVICE_ACCOUNT_TOKEN_FILE,
      timeoutMs: 15_000,
    },
    hyperparameters: options.hyperparameters ?? { ...DEFAULT_LORA_HYPERPARAMETERS },
    consumeLogs: options.consumeLogs ?? true,
  };
}

/** The runner the options ask for; the kubernetes one fails fast without an API URL. */
export function trainerJobRunnerFor(options: DistillationOptions): TrainerJobRunner {
  if (options.runner === 'local') return new LocalManifestJobRunner();
  const apiUrl = options.kubernetes.apiUrl ?? inClusterApiUrl();
  if (!apiUrl) {
    throw new Error(
      'DISTILLATION_JOB_RUNNER=kubernetes needs the Kubernetes API: run in a cluster (KUBERNETES_SERVICE_HOST is set there) or set DISTILLATION_K8S_API_URL',
    );
  }
  return new KubernetesJobRunner({
    apiUrl,
    token: tokenFromFile(options.kubernetes.tokenFile),
    timeoutMs: options.kubernetes.timeoutMs,
  });
}

@Module({})
export class DistillationModule {
  static register(options: Partial<DistillationOptions> = {}): DynamicModule {
    const resolved = resolveDistillationOptions(options);
    return {
      module: DistillationModule,
      controllers: [DistillationGrpcController],
      providers: [
        { provide: DISTILLATION_OPTIONS, useValue: resolved },
        { provide: TRAINER_JOB_RUNNER, useFactory: () => trainerJobRunnerFor(resolved) },
        { provide: DATASET_FILE_WRITER, useFactory: () => new FsDatasetFileWriter(resolved.datasetDir) },
        {
          provide: DISTILLATION_RESPONSE_READER,
          inject: [DATA_SOURCE],
          useFactory: (ds: DataSource) => new TypeOrmDistillationResponseReader(ds),
        },
        {
          provide: DATASET_REPOSITORY,
          inject: [DATA_SOURCE, EVENT_STORE],
          useFactory: (ds: DataSource, store: EventStore) => new TypeOrmDatasetRepository(ds, store),
        },
        {
          provide: DISTILLATION_JOB_REPOSITORY,
          inject: [DATA_SOURCE, EVENT_STORE],
          useFactory: (ds: DataSource, store: EventStore) => new TypeOrmDistillationJobRepository(ds, store),
        },
        {
          provide: BUILD_DATASET_HANDLER,
          inject: [DISTILLATION_RESPONSE_READER, DATASET_FILE_WRITER, DATASET_REPOSITORY, IDS, CLOCK],
          useFactory: (
            responses: DistillationResponseReader,
            files: DatasetFileWriter,
            datasets: DatasetRepository,
            ids: IdGenerator,
            clock: Clock,
          ) =>
            new BuildDatasetHandler({
              responses,
              files,
              datasets,
              ids,
              clock,
              defaultTopK: resolved.defaultTopK,
            }),
        },
        {
          provide: SUBMIT_JOB_HANDLER,
          inject: [
            DATASET_REPOSITORY,
            DATASET_FILE_WRITER,
            DISTILLATION_JOB_REPOSITORY,
            TRAINER_JOB_RUNNER,
            IDS,
          ],
          useFactory: (
            datasets: DatasetRepository,
            files: DatasetFileWriter,
            jobs: DistillationJobRepository,
            runner: TrainerJobRunner,
            ids: IdGenerator,
          ) =>
            new SubmitJobHandler({
              datasets,
              files,
              jobs,
              runner,
              ids,
              defaultBaseModel: resolved.defaultBaseModel,
              hyperparameters: resolved.hyperparameters,
              cluster: resolved.cluster,
            }),
        },
        {
          provide: LIST_JOBS_HANDLER,
          inject: [DISTILLATION_JOB_REPOSITORY],
          useFactory: (jobs: DistillationJobRepository) => new ListJobsHandler(jobs),
        },
        DistillationResponsesConsumer,
      ],
      exports: [BUILD_DATASET_HANDLER, SUBMIT_JOB_HANDLER, LIST_JOBS_HANDLER],
    };
  }
}

/** The distillation context as a process hosts it. */
export function distillationContext(options: Partial<DistillationOptions> = {}): ContextModuleSpec {
  return {
    module: DistillationModule.register(options),
    grpc: [
      {
        package: 'fusion.distillation.v1',
        protoFile: 'fusion/distillation/v1/distillation.proto',
        services: ['fusion.distillation.v1.DistillationService'],
      },
    ],
    persistence: { migrations: [CreateDistillationTables1767226400000] },
    consumerGroups: [ConsumerGroups.DistillationResponses],
  };
}
