import { Controller, Inject } from '@nestjs/common';
import { GrpcMethod, GrpcStreamMethod } from '@nestjs/microservices';
import { Observable, concatMap, from, reduce, map, catchError, throwError } from 'rxjs';
import type { commonV1, ingestionV1 } from '@fusion/contracts/grpc';
import { DomainError } from '@fusion/shared/kernel';
import { counter, currentTraceContext } from '@fusion/shared/telemetry';
import { toGrpcError } from '@fusion/shared/transport';
import { randomUUID } from 'node:crypto';
import { assertWithinRequestLimits } from '../../domain/ingestion-limits';
import type { ImportFormat } from '../../application/importers/log-importer.port';
import { IMPORT_FORMATS } from '../../application/importers/log-importer.port';
import { importLogs } from '../../application/import-logs/import-logs.handler';
import { resolveImportPath } from '../../application/import-dataset.guard';
import type { IngestLogsHandler } from '../../application/ingest-logs/ingest-logs.handler';
import type { IngestLogsResult } from '../../application/ingest-logs/ingest-logs.command';
import type { LogRepository } from '../../application/ports/log-repository.port';
import { RepositoryLogSink } from '../persistence/repository-log-sink';
import {
  INGEST_LOGS_HANDLER,
  INGESTION_OPTIONS,
  LOG_REPOSITORY,
  type IngestionOptions,
} from '../ingestion.tokens';
import { protoToLooseRecord, recordToProto } from './log-record.proto-mapping';

const STATUS = { accepted: 1, duplicate: 2, rejected: 3 } as const;
const MAX_RESULTS = 1000;
const ingested = counter('fusion_ingest_records_total', 'Log records ingested, by outcome', [
  'transport',
  'status',
]);

function emptyResult(): IngestLogsResult {
  return { accepted: 0, duplicates: 0, rejected: 0, rejectedByReason: {}, outcomes: [] };
}

/** gRPC adapter of the ingestion context. */
@Controller()
export class IngestionGrpcController {
  constructor(
    @Inject(INGEST_LOGS_HANDLER) private readonly ingest: IngestLogsHandler,
    @Inject(LOG_REPOSITORY) private readonly repository: LogRepository,
    @Inject(INGESTION_OPTIONS) private readonly options: IngestionOptions,
  ) {}

  @GrpcStreamMethod('IngestionService', 'IngestLogs')
  ingestLogs(
    requests: Observable<ingestionV1.IngestLogsRequest>,
  ): Observable<ingestionV1.IngestLogsResponse> {
    let offset = 0;
    const correlationId = randomUUID();
    return requests.pipe(
      concatMap((req) => {
        const records = req.records ?? [];
        assertWithinRequestLimits({ records: records.length }, this.options);
        const start = offset;
        offset += records.length;
        return from(
          this.ingest.execute(
            { records: records.map((r) => protoToLooseRecord(r)), offset: start, transport: 'grpc' },
            { correlationId, ...currentTraceContext() },
          ),
        );
      }),
      reduce((acc, r) => {
        acc.accepted += r.accepted;
        acc.duplicates += r.duplicates;
        acc.rejected += r.rejected;
        for (const [k, v] of Object.entries(r.rejectedByReason))
          acc.rejectedByReason[k] = (acc.rejectedByReason[k] ?? 0) + v;
        for (const o of r.outcomes)
          if (o.status !== 'accepted' && acc.outcomes.length < MAX_RESULTS) acc.outcomes.push(o);
        return acc;
      }, emptyResult()),
      map((total) => {
        ingested.inc({ transport: 'grpc', status: 'accepted' }, total.accepted);
        ingested.inc({ transport: 'grpc', status: 'duplicate' }, total.duplicates);
        ingested.inc({ transport: 'grpc', status: 'rejected' }, total.rejected);
        return {
          accepted: total.accepted,
          duplicates: total.duplicates,
          rejected: total.rejected,
          rejectedByReason: total.rejectedByReason,
          results: total.outcomes.map((o) => ({
            index: o.index,
            recordId: o.recordId,
            status: STATUS[o.status],
            violations: o.violations.map((v) => ({ field: v.field, reason: `${v.code}: ${v.reason}` })),
          })),
        };
      }),
      catchError((err: unknown) => throwError(() => toGrpcError(err))),
    );
  }

  @GrpcMethod('IngestionService', 'GetLog')
  async getLog(req: ingestionV1.GetLogRequest): Promise<ingestionV1.GetLogResponse> {
    if (!req.recordId) throw DomainError.invalidArgument('record_id', 'is required');
    const tenant = req.tenant || 'default';
    const record = await this.repository.get(tenant, req.recordId);
    if (!record) throw DomainError.notFound(`log record ${req.recordId} of tenant ${tenant}`);
    return { record: recordToProto(record) };
  }

  @GrpcMethod('IngestionService', 'ListLogs')
  async listLogs(req: ingestionV1.ListLogsRequest): Promise<ingestionV1.ListLogsResponse> {
    const pageSize = req.pageSize === 0 ? 100 : req.pageSize;
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 5000) {
      throw DomainError.invalidArgument('page_size', 'must be between 1 and 5000');
    }
    const page = await this.repository.list(req.tenant || 'default', {
      pageSize,
      ...(req.pageToken ? { cursor: req.pageToken } : {}),
      ...(req.queryId ? { queryId: req.queryId } : {}),
      ...(req.llm ? { llm: req.llm } : {}),
    });
    return { records: page.records.map(recordToProto), nextPageToken: page.next ?? '', total: page.total };
  }

  @GrpcMethod('IngestionService', 'ImportDataset')
  importDataset(req: ingestionV1.ImportDatasetRequest): Observable<ingestionV1.ImportDatasetResponse> {
    const format = (req.format || 'auto') as ImportFormat | 'auto';
    if (format !== 'auto' && !IMPORT_FORMATS.includes(format)) {
      throw DomainError.invalidArgument(
        'format',
        `unknown format '${req.format}'; use auto, ${IMPORT_FORMATS.join(', ')}`,
      );
    }
    const path = resolveImportPath(req.path, this.options.importRoots);
    const tenant = req.tenant || undefined;
    return new Observable<ingestionV1.ImportDatasetResponse>((sub) => {
      const sink = new RepositoryLogSink(this.repository, {
        correlationId: randomUUID(),
        ...currentTraceContext(),
      });
      importLogs(
        {
          path,
          format,
          dryRun: req.dryRun,
          ...(tenant ? { tenant } : {}),
          limits: { maxFieldBytes: this.options.maxFieldBytes },
          onProgress: (p) =>
            sub.next({
              phase: 'importing',
              rowsRead: p.rowsRead,
              accepted: p.accepted,
              duplicates: p.duplicates,
              rejected: p.rejected,
              done: false,
              rejectedByReason: {},
              format: '',
            }),
        },
        req.dryRun ? {} : { sink },
      ).then(
        (report) => {
          sub.next({
            phase: 'done',
            rowsRead: report.rowsRead,
            accepted: report.accepted,
            duplicates: report.duplicates,
            rejected: report.rejected,
            done: true,
            rejectedByReason: report.rejectedByReason,
            format: report.format,
          });
          sub.complete();
        },
        (err: unknown) => sub.error(toGrpcError(err)),
      );
    });
  }
}

export type { commonV1 };
