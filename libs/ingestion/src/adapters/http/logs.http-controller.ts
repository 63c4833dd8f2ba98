import { Body, Controller, Get, Headers, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DomainError } from '@fusion/shared/kernel';
import { counter, currentTraceContext } from '@fusion/shared/telemetry';
import { assertWithinRequestLimits } from '../../domain/ingestion-limits';
import { RejectionReason } from '../../domain/rejection-reason';
import type { IngestLogsHandler } from '../../application/ingest-logs/ingest-logs.handler';
import type { RecordOutcome } from '../../application/ingest-logs/ingest-logs.command';
import type { LogRepository } from '../../application/ports/log-repository.port';
import { toCanonicalRecord } from '../../domain/canonical-format';
import {
  INGEST_LOGS_HANDLER,
  INGESTION_OPTIONS,
  LOG_REPOSITORY,
  type IngestionOptions,
} from '../ingestion.tokens';

const ingested = counter('fusion_ingest_records_total', 'Log records ingested, by outcome', [
  'transport',
  'status',
]);

interface ParsedBody {
  /** Parsed records with their position in the body. */
  records: { index: number; value: unknown }[];
  /** NDJSON lines that were not JSON, rejected with their line number. */
  unparsable: { index: number; line: number; message: string }[];
}

/** Splits an NDJSON body; a bad line is rejected with its line number, the others still count. */
function parseNdjson(text: string): ParsedBody {
  const out: ParsedBody = { records: [], unparsable: [] };
  let index = 0;
  text.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === '') return;
    try {
      out.records.push({ index, value: JSON.parse(line) });
    } catch (err) {
      out.unparsable.push({ index, line: i + 1, message: (err as Error).message });
    }
    index += 1;
  });
  return out;
}

function fromArray(values: unknown[]): ParsedBody {
  return { records: values.map((value, index) => ({ index, value })), unparsable: [] };
}

/**
 * HTTP adapter for producers without gRPC: `POST /v1/logs` with a JSON array (or `{ "records": [...] }`) or NDJSON
 * (`Content-Type: application/x-ndjson`). Answers 200 with per-record outcomes; 400 only when the body itself is
 * unusable; 413 over the size limits.
 */
@Controller('v1/logs')
export class LogsHttpController {
  constructor(
    @Inject(INGEST_LOGS_HANDLER) private readonly ingest: IngestLogsHandler,
    @Inject(LOG_REPOSITORY) private readonly repository: LogRepository,
    @Inject(INGESTION_OPTIONS) private readonly options: IngestionOptions,
  ) {}

  @Post()
  @HttpCode(200)
  async post(
    @Body() body: unknown,
    @Headers('content-type') contentType: string | undefined,
    @Query('tenant') tenant?: string,
  ): Promise<unknown> {
    const parsed = this.parse(body, contentType ?? '');
    assertWithinRequestLimits({ records: parsed.records.length + parsed.unparsable.length }, this.options);
    const result = await this.ingest.execute(
      { records: parsed.records.map((r) => r.value), transport: 'http', ...(tenant ? { tenant } : {}) },
      { correlationId: randomUUID(), ...currentTraceContext() },
    );
    for (const o of result.outcomes) o.index = parsed.records[o.index]?.index ?? o.index;
    for (const bad of parsed.unparsable) {
      result.rejected += 1;
      result.rejectedByReason[RejectionReason.MalformedJson] =
        (result.rejectedByReason[RejectionReason.MalformedJson] ?? 0) + 1;
      result.outcomes.push({
        index: bad.index,
        recordId: '',
        status: 'rejected',
        reason: RejectionReason.MalformedJson,
        violations: [
          {
            field: `line ${bad.line}`,
            code: RejectionReason.MalformedJson,
            reason: `not JSON: ${bad.message}`,
          },
        ],
      });
    }
    result.outcomes.sort((a, b) => a.index - b.index);
    ingested.inc({ transport: 'http', status: 'accepted' }, result.accepted);
    ingested.inc({ transport: 'http', status: 'duplicate' }, result.duplicates);
    ingested.inc({ transport: 'http', status: 'rejected' }, result.rejected);
    return {
      accepted: result.accepted,
      duplicates: result.duplicates,
      rejected: result.rejected,
      rejected_by_reason: result.rejectedByReason,
      results: result.outcomes
        .filter((o) => o.status !== 'accepted')
        .slice(0, 1000)
        .map(toJson),
    };
  }

  @Get(':recordId')
  async get(@Param('recordId') recordId: string, @Query('tenant') tenant?: string): Promise<unknown> {
    const t = tenant || 'default';
    const record = await this.repository.get(t, recordId);
    if (!record) throw DomainError.notFound(`log record ${recordId} of tenant ${t}`);
    return toCanonicalRecord(record);
  }

  private parse(body: unknown, contentType: string): ParsedBody {
    if (typeof body === 'string') {
      if (/ndjson|jsonl|text\/plain/.test(contentType)) return parseNdjson(body);
      throw DomainError.invalidArgument(
        'body',
        'send a JSON array, {"records": [...]} or NDJSON (application/x-ndjson)',
      );
    }
    if (Array.isArray(body)) return fromArray(body);
    if (body && typeof body === 'object' && Array.isArray((body as { records?: unknown }).records)) {
      return fromArray((body as { records: unknown[] }).records);
    }
    if (body === undefined || body === null || (typeof body === 'object' && Object.keys(body).length === 0)) {
      throw DomainError.invalidArgument('body', 'is empty; send a JSON array of log records or NDJSON');
    }
    throw DomainError.invalidArgument('body', 'must be a JSON array of log records or {"records": [...]}');
  }
}

function toJson(o: RecordOutcome): unknown {
  return {
    index: o.index,
    record_id: o.recordId,
    status: o.status,
    reason: o.reason,
    violations: o.violations,
  };
}
