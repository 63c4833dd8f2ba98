// Domain: rules for log records, tasks, prices and query identity (pure).
export * from './domain/rejection-reason';
export * from './domain/task-catalog';
export * from './domain/price-table';
export * from './domain/query-identity';
export * from './domain/judge-scale';
export * from './domain/ingestion-limits';
export * from './domain/canonical-format';
export * from './domain/log-record.validator';

// Application: importers, the import use case and its ports.
export type {
  AcceptedItem,
  Detection,
  ImportContext,
  ImportFormat,
  ImportItem,
  ImportOrigin,
  LogImporter,
  NoticeItem,
  RejectedItem,
} from './application/importers/log-importer.port';
export { IMPORT_FORMATS } from './application/importers/log-importer.port';
export * from './application/importers/importer-registry';
export { CanonicalJsonlImporter } from './application/importers/canonical-jsonl.importer';
export { FusionBenchImporter } from './application/importers/fusionbench.importer';
export { RouterBenchImporter } from './application/importers/routerbench.importer';
export { FastChatJudgeImporter } from './application/importers/fastchat-judge.importer';
export { exportCanonicalJsonl } from './application/importers/canonical-jsonl.exporter';
export type { LogSink, LogSinkResult } from './application/ports/log-sink.port';
export type {
  ImportLogsCommand,
  ImportProgress,
  ImportReport,
  RejectionSample,
} from './application/import-logs/import-logs.command';
export { importLogs, type ImportLogsDeps } from './application/import-logs/import-logs.handler';

// Service: ingest use case, log store and the Nest adapters.
export * from './application/ports/log-repository.port';
export * from './application/ingest-logs/ingest-logs.command';
export * from './application/ingest-logs/ingest-logs.handler';
export * from './application/import-dataset.guard';
export { TypeOrmLogRepository, logRecordedEventId } from './adapters/persistence/typeorm-log.repository';
export { RepositoryLogSink } from './adapters/persistence/repository-log-sink';
export { CreateIngestionLogRecords1767225700000 } from './adapters/persistence/1767225700000-create-ingestion-log-records';
export { IngestionModule, ingestionContext } from './adapters/ingestion.module';
export * from './adapters/ingestion.tokens';
export { protoToLooseRecord, recordToProto } from './adapters/grpc/log-record.proto-mapping';
// Synthetic demo logs (documented as synthetic wherever they show).
export * from './application/demo-data/demo-catalog';
export {
  DEMO_GENERATOR,
  DEMO_NOTICE,
  demoSuccessProbability,
  generateDemoLogs,
  type DemoLogOptions,
  type DemoLogSet,
} from './application/demo-data/demo-logs.generator';
