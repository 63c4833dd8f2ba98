import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { LogRecord } from '@fusion/contracts';
import { DomainError, ErrorCode, isDomainError, systemClock, type Clock } from '@fusion/shared/kernel';
import { limitError, resolveLimits } from '../../domain/ingestion-limits';
import { LogRecordValidator } from '../../domain/log-record.validator';
import { defaultPriceTable, type PriceTable } from '../../domain/price-table';
import { RejectionReason, violation } from '../../domain/rejection-reason';
import { defaultTaskCatalog, type TaskCatalog } from '../../domain/task-catalog';
import { ImporterRegistry } from '../importers/importer-registry';
import type { ImportContext, ImportOrigin } from '../importers/log-importer.port';
import type { LogSink } from '../ports/log-sink.port';
import type { ImportLogsCommand, ImportReport, RejectionSample } from './import-logs.command';

export interface ImportLogsDeps {
  /** Required unless the command is a dry run. */
  sink?: LogSink;
  clock?: Clock;
  registry?: ImporterRegistry;
  prices?: PriceTable;
  catalog?: TaskCatalog;
}

const DEFAULT_BATCH_SIZE = 500;
const DEFAULT_SAMPLES = 20;

async function totalBytes(path: string): Promise<number> {
  const info = await stat(path);
  if (!info.isDirectory()) return info.size;
  let sum = 0;
  for (const e of await readdir(path, { withFileTypes: true })) sum += await totalBytes(join(path, e.name));
  return sum;
}

/**
 * Streams a log file or directory through its importer(s) into a sink in batches: memory stays bounded by
 * the batch size (plus the set of record ids seen, to count in-import duplicates). Bad rows are counted
 * per reason and sampled, never thrown; only an unusable path, format or sink throws.
 */
export async function importLogs(
  command: ImportLogsCommand,
  deps: ImportLogsDeps = {},
): Promise<ImportReport> {
  const clock = deps.clock ?? systemClock;
  const started = clock.now().getTime();
  const dryRun = command.dryRun ?? false;
  const sink = deps.sink;
  if (!dryRun && !sink) throw DomainError.invalidArgument('sink', 'a sink is required unless dryRun is set');
  const batchSize = command.batchSize ?? DEFAULT_BATCH_SIZE;
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw DomainError.invalidArgument('batchSize', 'must be a positive integer');
  const maxSamples = command.maxRejectionSamples ?? DEFAULT_SAMPLES;

  const registry = deps.registry ?? new ImporterRegistry();
  const plan = await registry.plan(command.path, command.format ?? 'auto');
  if (command.maxInputBytes !== undefined) {
    let bytes = 0;
    for (const e of plan.entries) bytes += await totalBytes(e.path);
    if (bytes > command.maxInputBytes) {
      throw limitError('path', `input is ${bytes} bytes, over the limit of ${command.maxInputBytes}`, {
        limit: 'maxInputBytes',
        value: bytes,
        max: command.maxInputBytes,
      });
    }
  }

  const limits = resolveLimits(command.limits);
  const prices = deps.prices ?? defaultPriceTable;
  const ctx: ImportContext = {
    validator: new LogRecordValidator({
      clock,
      ...(command.tenant !== undefined ? { tenant: command.tenant } : {}),
      maxFieldBytes: limits.maxFieldBytes,
      prices,
      catalog: deps.catalog ?? defaultTaskCatalog,
    }),
    prices,
    clock,
    limits,
    ...(command.parseEmbeddings !== undefined ? { parseEmbeddings: command.parseEmbeddings } : {}),
    ...(command.blockSize !== undefined ? { blockSize: command.blockSize } : {}),
    ...(command.estimateCost !== undefined ? { estimateCost: command.estimateCost } : {}),
  };

  const report: ImportReport = {
    format: plan.format,
    files: plan.entries.map((e) => ({ path: e.path, format: e.importer.format })),
    skippedFiles: plan.skipped,
    dryRun,
    rowsRead: 0,
    accepted: 0,
    duplicates: 0,
    rejected: 0,
    rejectedByReason: {},
    rejectionSamples: [],
    notices: 0,
    noticeSamples: [],
    durationMs: 0,
  };
  const countRejection = (sample: RejectionSample): void => {
    report.rejected++;
    report.rejectedByReason[sample.reason] = (report.rejectedByReason[sample.reason] ?? 0) + 1;
    if (report.rejectionSamples.length < maxSamples) report.rejectionSamples.push(sample);
  };

  const seen = new Set<string>();
  let batch: { record: LogRecord; origin: ImportOrigin }[] = [];
  let currentFile = command.path;
  const progress = (): void =>
    command.onProgress?.({
      file: currentFile,
      rowsRead: report.rowsRead,
      accepted: report.accepted,
      duplicates: report.duplicates,
      rejected: report.rejected,
    });
  const flush = async (): Promise<void> => {
    if (batch.length === 0) return;
    const current = batch;
    batch = [];
    if (dryRun || !sink) report.accepted += current.length;
    else {
      const result = await sink.accept(current.map((c) => c.record));
      report.accepted += result.accepted;
      report.duplicates += result.duplicates;
      for (const r of result.rejected) {
        const origin = current.find((c) => c.record.recordId === r.recordId)?.origin ?? { file: currentFile };
        countRejection({
          origin,
          reason: r.reason,
          violations: [
            violation('(record)', RejectionReason.RefusedByStore, `refused by the store: ${r.reason}`),
          ],
          recordId: r.recordId,
        });
      }
    }
    progress();
  };

  try {
    for (const entry of plan.entries) {
      currentFile = entry.path;
      let lastRow = '';
      for await (const item of entry.importer.read(entry.path, ctx)) {
        if (item.kind === 'notice') {
          report.notices++;
          if (report.noticeSamples.length < maxSamples)
            report.noticeSamples.push({ origin: item.origin, message: item.message });
          continue;
        }
        const rowKey = `${item.origin.file}\u0000${item.origin.row ?? ''}\u0000${item.origin.line ?? ''}`;
        if (rowKey !== lastRow) {
          report.rowsRead++;
          lastRow = rowKey;
        }
        if (item.kind === 'rejected') {
          countRejection({
            origin: item.origin,
            reason: item.reason,
            violations: item.violations,
            ...(item.llm ? { llm: item.llm } : {}),
          });
          continue;
        }
        if (seen.has(item.record.recordId)) {
          report.duplicates++;
          continue;
        }
        seen.add(item.record.recordId);
        batch.push({ record: item.record, origin: item.origin });
        if (batch.length >= batchSize) await flush();
      }
    }
    await flush();
  } catch (err) {
    if (isDomainError(err)) throw err;
    const message = err instanceof Error ? err.message : String(err);
    throw new DomainError(ErrorCode.Unavailable, `import of ${currentFile} failed: ${message}`, {
      cause: err,
      details: { partialReport: { ...report, durationMs: clock.now().getTime() - started } },
    });
  }
  report.durationMs = clock.now().getTime() - started;
  progress();
  return report;
}
