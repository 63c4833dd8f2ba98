import type { LogRecord } from '@fusion/contracts';
import { systemClock, type Clock } from '@fusion/shared/kernel';
import { LogRecordValidator } from '../../domain/log-record.validator';
import type { IngestContext, LogRepository } from '../ports/log-repository.port';
import type { IngestLogsCommand, IngestLogsResult, RecordOutcome } from './ingest-logs.command';

export interface IngestLogsDeps {
  repository: LogRepository;
  clock?: Clock;
  maxFieldBytes?: number;
}

/**
 * Validates a batch, stores the valid records idempotently and reports every record's fate. Bad records are
 * rejected with the field named; the rest of the batch is still stored.
 */
export class IngestLogsHandler {
  private readonly validators = new Map<string, LogRecordValidator>();

  constructor(private readonly deps: IngestLogsDeps) {}

  private validator(tenant: string | undefined): LogRecordValidator {
    const key = tenant ?? '';
    let v = this.validators.get(key);
    if (!v) {
      v = new LogRecordValidator({
        clock: this.deps.clock ?? systemClock,
        // Live traffic is unscored; evaluation scores it later (see LogRecordValidatorOptions.requireScore).
        requireScore: false,
        ...(tenant ? { tenant } : {}),
        ...(this.deps.maxFieldBytes ? { maxFieldBytes: this.deps.maxFieldBytes } : {}),
      });
      this.validators.set(key, v);
    }
    return v;
  }

  async execute(cmd: IngestLogsCommand, ctx: IngestContext = {}): Promise<IngestLogsResult> {
    const offset = cmd.offset ?? 0;
    const validator = this.validator(cmd.tenant);
    const outcomes: RecordOutcome[] = [];
    const valid: { index: number; record: LogRecord }[] = [];
    const rejectedByReason: Record<string, number> = {};
    cmd.records.forEach((input, i) => {
      const result = validator.validate(input);
      if (result.ok) {
        valid.push({ index: offset + i, record: result.record });
      } else {
        rejectedByReason[result.reason] = (rejectedByReason[result.reason] ?? 0) + 1;
        outcomes.push({
          index: offset + i,
          recordId: recordIdOf(input),
          status: 'rejected',
          reason: result.reason,
          violations: result.violations,
        });
      }
    });
    const stored =
      valid.length > 0
        ? await this.deps.repository.store(
            valid.map((v) => v.record),
            ctx,
          )
        : null;
    const accepted = new Set(stored?.accepted ?? []);
    let acceptedCount = 0;
    let duplicateCount = 0;
    for (const v of valid) {
      // A record id repeated inside one batch is stored once: the first is accepted, the rest duplicates.
      if (accepted.delete(v.record.recordId)) {
        acceptedCount += 1;
        outcomes.push({
          index: v.index,
          recordId: v.record.recordId,
          status: 'accepted',
          reason: null,
          violations: [],
        });
      } else {
        duplicateCount += 1;
        outcomes.push({
          index: v.index,
          recordId: v.record.recordId,
          status: 'duplicate',
          reason: null,
          violations: [],
        });
      }
    }
    outcomes.sort((a, b) => a.index - b.index);
    const rejected = outcomes.filter((o) => o.status === 'rejected').length;
    return { accepted: acceptedCount, duplicates: duplicateCount, rejected, rejectedByReason, outcomes };
  }
}

function recordIdOf(input: unknown): string {
  if (input && typeof input === 'object') {
    const o = input as Record<string, unknown>;
    const id = o['record_id'] ?? o['recordId'];
    if (typeof id === 'string') return id.slice(0, 256);
  }
  return '';
}
