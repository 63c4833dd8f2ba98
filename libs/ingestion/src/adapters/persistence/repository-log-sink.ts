import type { LogRecord } from '@fusion/contracts';
import type { LogSink, LogSinkResult } from '../../application/ports/log-sink.port';
import type { IngestContext, LogRepository } from '../../application/ports/log-repository.port';

/** Lets file imports write through the same idempotent store as the live paths. */
export class RepositoryLogSink implements LogSink {
  constructor(
    private readonly repository: LogRepository,
    private readonly ctx: IngestContext = {},
  ) {}

  async accept(records: LogRecord[]): Promise<LogSinkResult> {
    const out = await this.repository.store(records, this.ctx);
    return { accepted: out.accepted.length, duplicates: records.length - out.accepted.length, rejected: [] };
  }
}
