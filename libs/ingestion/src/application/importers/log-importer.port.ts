import type { LogRecord } from '@fusion/contracts';
import type { Clock } from '@fusion/shared/kernel';
import type { IngestionLimits } from '../../domain/ingestion-limits';
import type { LogRecordValidator } from '../../domain/log-record.validator';
import type { PriceTable } from '../../domain/price-table';
import type { RecordViolation, RejectionReason } from '../../domain/rejection-reason';

/** The log formats ingestion reads. */
export type ImportFormat = 'canonical' | 'fusionbench' | 'routerbench' | 'fastchat';
export const IMPORT_FORMATS: readonly ImportFormat[] = [
  'canonical',
  'fusionbench',
  'routerbench',
  'fastchat',
];

/** Where an item came from: the file, and the physical line and/or data row in it (both 1-based). */
export interface ImportOrigin {
  file: string;
  /** Physical line the row starts on (text formats). */
  line?: number;
  /** Data row (CSV records after the header, Parquet rows, JSONL lines). */
  row?: number;
}

/** A validated record. */
export interface AcceptedItem {
  kind: 'record';
  record: LogRecord;
  origin: ImportOrigin;
}

/** A row or candidate that was not ingested, and every reason why. */
export interface RejectedItem {
  kind: 'rejected';
  origin: ImportOrigin;
  /** What the rejection is counted under (the first violation's code). */
  reason: RejectionReason;
  violations: RecordViolation[];
  /** The LLM the rejected candidate belongs to, when known. */
  llm?: string;
}

/** Something worth telling the user that rejects nothing (a skipped file, an unusual block size). */
export interface NoticeItem {
  kind: 'notice';
  origin: ImportOrigin;
  message: string;
}

/**
 * What an importer yields. Items from one source row come one after another and share the same origin
 * (`file` + `row`/`line`), so a consumer counts rows read by counting origin changes.
 */
export type ImportItem = AcceptedItem | RejectedItem | NoticeItem;

/** Per-import settings every importer receives. */
export interface ImportContext {
  validator: LogRecordValidator;
  /** The price table the validator uses, for importers that estimate cost. */
  prices: PriceTable;
  clock: Clock;
  limits: IngestionLimits;
  /** LLMFusionBench: parse `tensor([...])` embeddings into metadata (default false: ignored). */
  parseEmbeddings?: boolean;
  /** LLMFusionBench: rows per query block (default 40); null turns the block check off. */
  blockSize?: number | null;
  /** FastChat: estimate cost from text length x list price when tokens are unknown (default true). */
  estimateCost?: boolean;
}

/** How sure an importer is that it can read a path, and why. */
export interface Detection {
  format: ImportFormat;
  /** 0..1; the registry picks the highest. */
  confidence: number;
  reason: string;
}

/** One log format: recognises its inputs and streams them as items. */
export interface LogImporter {
  readonly format: ImportFormat;
  /** Whether this importer reads the file or directory; null when it does not. Never throws on bad input. */
  detect(path: string): Promise<Detection | null>;
  /**
   * Streams items in constant memory (bounded by row or block size). Bad rows become `rejected` items; only
   * an unreadable path (missing, permission) throws.
   */
  read(path: string, ctx: ImportContext): AsyncIterable<ImportItem>;
}
