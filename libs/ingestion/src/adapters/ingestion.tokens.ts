export const LOG_REPOSITORY = 'ingestion:LogRepository';
export const INGESTION_OPTIONS = 'ingestion:Options';
export const INGEST_LOGS_HANDLER = 'ingestion:IngestLogsHandler';

/** Ingestion settings from the app's config. */
export interface IngestionOptions {
  maxRecordsPerRequest: number;
  maxRequestBytes: number;
  maxFieldBytes: number;
  /** Roots server-side imports may read; unrestricted when empty. */
  importRoots: string[];
  /** Consume the raw topic (producers that publish canonical records to Kafka). */
  consumeRawTopic: boolean;
}
