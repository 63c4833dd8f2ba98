import type { RecordViolation } from '../../domain/rejection-reason';

export type RecordStatus = 'accepted' | 'duplicate' | 'rejected';

/** A batch of loose records from any transport (gRPC, HTTP, Kafka). */
export interface IngestLogsCommand {
  records: readonly unknown[];
  /** When set, records naming another tenant are rejected. */
  tenant?: string;
  /** Index of the first record in the whole request (for streamed batches). */
  offset?: number;
  transport: 'grpc' | 'http' | 'kafka';
}

export interface RecordOutcome {
  index: number;
  recordId: string;
  status: RecordStatus;
  reason: string | null;
  violations: RecordViolation[];
}

export interface IngestLogsResult {
  accepted: number;
  duplicates: number;
  rejected: number;
  rejectedByReason: Record<string, number>;
  outcomes: RecordOutcome[];
}
