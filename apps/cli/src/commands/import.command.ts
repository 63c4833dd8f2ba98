import type { LogRecord } from '@fusion/contracts';
import type { ingestionV1 } from '@fusion/contracts/grpc';
import {
  importLogs,
  recordToProto,
  type ImportReport,
  type LogSink,
  type LogSinkResult,
} from '@fusion/ingestion';
import { Output, type GlobalOptions } from '../cli-context';
import { CliError } from '../cli-error';
import { existingPath, parseFormat, parseInteger } from '../option-parsers';
import { ProgressBar } from '@fusion/shared/console';
import { withSession, type FusionSession } from '../remote/fusion-session';
import { rejectionSummary } from './log-reading';

export interface ImportFlags {
  format?: string;
  dryRun?: boolean;
  serverPath?: boolean;
  batchSize?: string;
}

const RECORD_STATUS_DUPLICATE = 2;
const RECORD_STATUS_REJECTED = 3;
// Ingesting a batch writes it durably; give a slow store room.
const INGEST_DEADLINE_MS = 120_000;
const IMPORT_DEADLINE_MS = 60 * 60_000;

/** A sink that sends each batch to IngestionService.IngestLogs (one client stream per batch, for per-batch counts). */
export class GrpcLogSink implements LogSink {
  constructor(private readonly session: FusionSession) {}

  async accept(records: LogRecord[]): Promise<LogSinkResult> {
    const res = await this.session.clientStream<
      ingestionV1.IngestLogsRequest,
      ingestionV1.IngestLogsResponse
    >('ingestion', 'IngestLogs', [{ records: records.map(recordToProto) }], INGEST_DEADLINE_MS);
    const rejected = (res.results ?? [])
      .filter((r) => Number(r.status) === RECORD_STATUS_REJECTED)
      .map((r) => ({
        recordId: r.recordId || records[Number(r.index)]?.recordId || '',
        reason: r.violations?.map((v) => `${v.field}: ${v.reason}`).join('; ') || 'rejected by the server',
      }));
    const duplicates = Number(res.duplicates ?? 0);
    // Results are capped server-side; counts are authoritative.
    const reportedDuplicates = (res.results ?? []).filter(
      (r) => Number(r.status) === RECORD_STATUS_DUPLICATE,
    ).length;
    return {
      accepted: Number(res.accepted ?? 0),
      duplicates: Math.max(duplicates, reportedDuplicates),
      rejected:
        rejected.length >= Number(res.rejected ?? 0)
          ? rejected
          : [
              ...rejected,
              ...Array.from({ length: Number(res.rejected) - rejected.length }, () => ({
                recordId: '',
                reason: 'rejected by the server',
              })),
            ],
    };
  }
}

function reportText(report: ImportReport, target: string): string {
  const lines = [
    `${report.dryRun ? 'dry run (nothing written)' : `imported into ${target}`}: ${report.format} from ${report.files.length} file(s)`,
    `  rows read   ${report.rowsRead}`,
    `  accepted    ${report.accepted}`,
    `  duplicates  ${report.duplicates}`,
    `  rejected    ${report.rejected}`,
  ];
  for (const [reason, n] of Object.entries(report.rejectedByReason)) lines.push(`    ${reason}: ${n}`);
  for (const s of report.rejectionSamples.slice(0, 5)) {
    const where = `${s.origin.file}${s.origin.row !== undefined ? ` row ${s.origin.row}` : ''}${s.origin.line !== undefined ? ` line ${s.origin.line}` : ''}`;
    lines.push(`    e.g. ${where}: ${s.violations.map((v) => `${v.field}: ${v.reason}`).join('; ')}`);
  }
  if (report.notices > 0)
    lines.push(
      `  notices     ${report.notices}${report.noticeSamples[0] ? ` (e.g. ${report.noticeSamples[0].message})` : ''}`,
    );
  for (const s of report.skippedFiles) lines.push(`  skipped ${s.path}: ${s.reason}`);
  lines.push(`  took ${(report.durationMs / 1000).toFixed(1)}s`);
  return lines.join('\n');
}

function checkOutcome(report: ImportReport): void {
  if (report.accepted === 0 && report.duplicates === 0 && report.rejected > 0) {
    throw CliError.usage(
      `no record was accepted (${rejectionSummary(report)}): check --format and the file (rerun with --dry-run to see examples)`,
    );
  }
}

/** `fusion import <path>`: validate locally (--dry-run) or send the logs to FusionFactory. */
export async function runImport(pathArg: string, flags: ImportFlags, globals: GlobalOptions): Promise<void> {
  const out = new Output(globals);
  const format = parseFormat(flags.format);
  const batchSize =
    flags.batchSize !== undefined
      ? parseInteger('--batch-size', flags.batchSize, { min: 1, max: 10_000 })
      : 500;

  if (flags.serverPath) {
    await withSession(
      globals,
      (s) => importOnServer(s, pathArg, format, flags.dryRun ?? false, globals, out),
      {
        note: (t) => out.note(t),
      },
    );
    return;
  }

  const path = existingPath('', pathArg);
  const bar = new ProgressBar({ label: flags.dryRun ? 'validate' : 'import', enabled: !globals.quiet });
  const onProgress = (p: { rowsRead: number; accepted: number; rejected: number }) =>
    bar.update(p.rowsRead, 0, `rows read, ${p.accepted} accepted, ${p.rejected} rejected`);

  if (flags.dryRun) {
    // Validation needs no server: the same importers and validator run here.
    const report = await importLogs({
      path,
      format,
      dryRun: true,
      tenant: globals.tenant,
      batchSize,
      onProgress,
    });
    bar.finish();
    out.result(report, () => reportText(report, ''));
    checkOutcome(report);
    return;
  }

  await withSession(
    globals,
    async (session) => {
      const report = await importLogs(
        { path, format, tenant: globals.tenant, batchSize, onProgress },
        { sink: new GrpcLogSink(session) },
      ).catch((err: unknown) => {
        // importLogs wraps a failing sink; the sink's own error (unreachable, refused) is the one to show.
        throw err instanceof Error && err.cause instanceof CliError ? err.cause : err;
      });
      bar.finish();
      out.result({ ...report, address: session.address, embedded: session.embedded }, () =>
        reportText(
          report,
          `${session.embedded ? 'the embedded deployment' : session.address} (tenant ${globals.tenant})`,
        ),
      );
      checkOutcome(report);
    },
    { note: (t) => out.note(t) },
  );
}

async function importOnServer(
  session: FusionSession,
  path: string,
  format: string,
  dryRun: boolean,
  globals: GlobalOptions,
  out: Output,
): Promise<void> {
  const bar = new ProgressBar({ label: 'import (server)', enabled: !globals.quiet });
  let last: ingestionV1.ImportDatasetResponse | null = null;
  await session.serverStream<ingestionV1.ImportDatasetRequest, ingestionV1.ImportDatasetResponse>(
    'ingestion',
    'ImportDataset',
    { path, format, tenant: globals.tenant, dryRun },
    (m) => {
      last = m;
      bar.update(Number(m.rowsRead), 0, `rows read, ${m.accepted} accepted, ${m.rejected} rejected`);
    },
    IMPORT_DEADLINE_MS,
  );
  bar.finish();
  const final = last as ingestionV1.ImportDatasetResponse | null;
  if (!final) throw new CliError(`the server sent no import result for ${path}: check its logs`);
  out.result(final, () =>
    [
      `${dryRun ? 'dry run on the server' : `imported on ${session.address}`}: ${final.format} (${path})`,
      `  rows read   ${final.rowsRead}`,
      `  accepted    ${final.accepted}`,
      `  duplicates  ${final.duplicates}`,
      `  rejected    ${final.rejected}`,
      ...Object.entries(final.rejectedByReason ?? {}).map(([r, n]) => `    ${r}: ${n}`),
    ].join('\n'),
  );
}
