import { basename, extname } from 'node:path';
import type { LogRecord } from '@fusion/contracts';
import type { BenchmarkData, BenchmarkFileLoader, StrategyTrainerFactory } from '@fusion/evaluation';
import { IMPORT_FORMATS, importLogs, type ImportFormat, type LogSink } from '@fusion/ingestion';
import { createStrategyTrainer, ROUTER_KINDS, STRATEGY_CATALOGUE } from '@fusion/routing';
import { DomainError } from '@fusion/shared/kernel';

/** Reads benchmark logs with the ingestion importers (every import format, auto-detected), into memory. */
export const ingestionBenchmarkFileLoader: BenchmarkFileLoader = async (
  path,
  format,
): Promise<BenchmarkData> => {
  if (format !== 'auto' && !(IMPORT_FORMATS as readonly string[]).includes(format)) {
    throw DomainError.invalidArgument(
      'format',
      `unknown format '${format}'; use auto, ${IMPORT_FORMATS.join(', ')}`,
    );
  }
  const records: LogRecord[] = [];
  const sink: LogSink = {
    accept: async (batch) => {
      for (const r of batch) records.push(r);
      return { accepted: batch.length, duplicates: 0, rejected: [] };
    },
  };
  const report = await importLogs({ path, format: format as ImportFormat | 'auto' }, { sink });
  const issues: Record<string, number> = { ...report.rejectedByReason };
  if (report.duplicates > 0)
    issues['duplicate_record'] = (issues['duplicate_record'] ?? 0) + report.duplicates;
  return { records, issues, name: basename(path, extname(path)) };
};

/** Every strategy kind a request may name: routers and baselines (the oracle is always reported anyway). */
const KINDS = STRATEGY_CATALOGUE.map((s) => s.kind).filter((k) => k !== 'oracle');

/** The routing context's strategies; by default every router kind plus the cheapest-model baseline. */
export const routingStrategyTrainers: StrategyTrainerFactory = {
  kinds: KINDS,
  defaultKinds: [...ROUTER_KINDS, 'cheapest'],
  create: (kinds, { seed }) => kinds.map((k) => createStrategyTrainer(k, { seed })),
};
