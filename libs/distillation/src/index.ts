// Domain: settings, the SFT dataset builder, trainer config and Job manifest, the job decider (pure).
export * from './domain/distillation-response';
export * from './domain/think-phrase';
export * from './domain/dataset-setting';
export * from './domain/task-family';
export * from './domain/sft-dataset.builder';
export * from './domain/dataset-info';
export * from './domain/trainer-config';
export * from './domain/trainer-job.manifest';
export * from './domain/distillation-job.decider';
export * from './domain/student-name';

// Application: use cases and ports.
export * from './application/ports/operation-context';
export * from './application/ports/distillation-response-reader.port';
export * from './application/ports/dataset-file-writer.port';
export * from './application/ports/dataset-repository.port';
export * from './application/ports/trainer-job-runner.port';
export * from './application/ports/distillation-job-repository.port';
export * from './application/build-dataset/build-dataset.command';
export * from './application/build-dataset/build-dataset.handler';
export * from './application/submit-job/submit-job.command';
export * from './application/submit-job/submit-job.handler';
export * from './application/list-jobs/list-jobs.handler';

// Service: the Nest module, tokens and adapters.
export {
  DistillationModule,
  distillationContext,
  resolveDistillationOptions,
  trainerJobRunnerFor,
} from './adapters/distillation.module';
export * from './adapters/distillation.tokens';
export { FsDatasetFileWriter } from './adapters/files/fs-dataset-file.writer';
export {
  KubernetesJobRunner,
  inClusterApiUrl,
  tokenFromFile,
  SERVICE_ACCOUNT_TOKEN_FILE,
  type KubernetesJobRunnerOptions,
} from './adapters/trainer/kubernetes-job.runner';
export { LocalManifestJobRunner } from './adapters/trainer/local-manifest-job.runner';
export { CreateDistillationTables1767226400000 } from './adapters/persistence/1767226400000-create-distillation-tables';
