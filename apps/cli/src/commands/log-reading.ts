import type { LogRecord } from '@fusion/contracts';
import { importLogs, type ImportReport, type LogSink } from '@fusion/ingestion';
import type { CliFormat } from '../option-parsers';
import { ProgressBar } from '@fusion/shared/console';

/** Reads a log file or directory in any import format into memory, with a progress bar on stderr. */
export async function readLogs(
  path: string,
  format: CliFormat,
  opts: { label: string; quiet: boolean; tenant?: string },
): Promise<{ records: LogRecord[]; report: ImportReport }> {
  const records: LogRecord[] = [];
  const sink: LogSink = {
    accept: async (batch) => {
      for (const r of batch) records.push(r);
      return { accepted: batch.length, duplicates: 0, rejected: [] };
    },
  };
  const bar = new ProgressBar({ label: opts.label, enabled: !opts.quiet });
  const report = await importLogs(
    {
      path,
      format,
      ...(opts.tenant ? { tenant: opts.tenant } : {}),
      onProgress: (p) =>
        bar.update(p.rowsRead, 0, `rows read, ${p.accepted} records, ${p.rejected} rejected`),
    },
    { sink },
  );
  bar.finish();
  return { records, report };
}

/** "154 rejected (empty_score: 154)" or null when nothing was rejected. */
export function rejectionSummary(report: ImportReport): string | null {
  if (report.rejected === 0) return null;
  const reasons = Object.entries(report.rejectedByReason)
    .sort(([, a], [, b]) => b - a)
    .map(([reason, n]) => `${reason}: ${n}`)
    .join(', ');
  return `${report.rejected} rejected (${reasons})`;
}
