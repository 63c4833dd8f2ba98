import type { IngestionLimits } from '../../domain/ingestion-limits';
import type { RecordViolation } from '../../domain/rejection-reason';
import type { ImportFormat, ImportOrigin } from '../importers/log-importer.port';

/** Counts so far, sent after every batch and once at the end. */
export interface ImportProgress {
  /** The file being read. */
  file: string;
  rowsRead: number;
  accepted: number;
  duplicates: number;
  rejected: number;
}

/** Import a log file or directory into a sink (or only validate it, `dryRun`). */
export interface ImportLogsCommand {
  path: string;
  /** Default `auto`: detected per file, or the directory's layout. */
  format?: ImportFormat | 'auto';
  /** The tenant of the import: records naming another tenant are rejected. Default: each record's own, else `default`. */
  tenant?: string;
  /** Validate and count without writing (no sink needed). */
  dryRun?: boolean;
  /** Records per sink call (default 500). */
  batchSize?: number;
  /** Most rejections kept as examples in the report (default 20). */
  maxRejectionSamples?: number;
  limits?: Partial<IngestionLimits>;
  /** Refuse inputs larger than this many bytes in total (RESOURCE_EXHAUSTED naming `path`). */
  maxInputBytes?: number;
  /** LLMFusionBench: parse `tensor([...])` query embeddings into metadata (default false). */
  parseEmbeddings?: boolean;
  /** LLMFusionBench rows per query block (default 40; null: no check). */
  blockSize?: number | null;
  /** FastChat: estimate cost from text length x list price (default true). */
  estimateCost?: boolean;
  onProgress?: (progress: ImportProgress) => void;
}

/** One rejection kept as an example. */
export interface RejectionSample {
  origin: ImportOrigin;
  reason: string;
  violations: RecordViolation[];
  llm?: string;
  recordId?: string;
}

/** The outcome of an import. `accepted + duplicates + rejected` = every candidate record the input held. */
export interface ImportReport {
  format: ImportFormat | 'mixed';
  files: { path: string; format: ImportFormat }[];
  skippedFiles: { path: string; reason: string }[];
  dryRun: boolean;
  /** Source rows (CSV records, JSONL lines, Parquet rows, judgments) that yielded candidates. */
  rowsRead: number;
  accepted: number;
  /** Records whose id was seen earlier in this import, or that the sink already had. */
  duplicates: number;
  rejected: number;
  rejectedByReason: Record<string, number>;
  rejectionSamples: RejectionSample[];
  notices: number;
  noticeSamples: { origin: ImportOrigin; message: string }[];
  durationMs: number;
}
