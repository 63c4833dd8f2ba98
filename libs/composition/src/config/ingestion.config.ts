import { z } from '@fusion/shared/config';
import type { IngestionOptions } from '@fusion/ingestion';

const positiveInt = (fallback: number) =>
  z.coerce
    .number({ message: 'expected a number' })
    .int('expected an integer')
    .positive('expected > 0')
    .default(fallback);

/** Ingestion's own variables (the shared ones come from @fusion/shared/config). */
export const ingestionConfigShape = {
  INGESTION_MAX_RECORDS_PER_REQUEST: positiveInt(10_000),
  INGESTION_MAX_REQUEST_BYTES: positiveInt(64 * 1024 * 1024),
  INGESTION_MAX_FIELD_BYTES: positiveInt(1024 * 1024),
  /** Comma-separated directories ImportDataset may read; unrestricted when unset. */
  INGESTION_IMPORT_ROOTS: z
    .string()
    .transform((s) =>
      s
        .split(',')
        .map((p) => p.trim())
        .filter(Boolean),
    )
    .optional(),
  INGESTION_CONSUME_RAW: z.enum(['true', 'false'], { message: "expected 'true' or 'false'" }).default('true'),
};

export function ingestionOptionsFrom(cfg: {
  INGESTION_MAX_RECORDS_PER_REQUEST: number;
  INGESTION_MAX_REQUEST_BYTES: number;
  INGESTION_MAX_FIELD_BYTES: number;
  INGESTION_IMPORT_ROOTS?: string[] | undefined;
  INGESTION_CONSUME_RAW: 'true' | 'false';
}): Partial<IngestionOptions> {
  return {
    maxRecordsPerRequest: cfg.INGESTION_MAX_RECORDS_PER_REQUEST,
    maxRequestBytes: cfg.INGESTION_MAX_REQUEST_BYTES,
    maxFieldBytes: cfg.INGESTION_MAX_FIELD_BYTES,
    importRoots: cfg.INGESTION_IMPORT_ROOTS ?? [],
    consumeRawTopic: cfg.INGESTION_CONSUME_RAW === 'true',
  };
}
