import type { LogRecord } from '@fusion/contracts';

/** Log records to benchmark, with what the reader left out. */
export interface BenchmarkData {
  records: LogRecord[];
  /** Rows the reader could not use, counted by reason (the report lists them as dataset issues). */
  issues: Record<string, number>;
  /** Dataset name for the report. */
  name: string;
}

/** Reads a log file or directory in one of the import formats (`auto` detects it). */
export type BenchmarkFileLoader = (path: string, format: string) => Promise<BenchmarkData>;

/**
 * Port: where `RunBenchmark` gets its logs. `load` reads files in the import formats (a composition root supplies
 * the readers, which live in another context); `fromStore` reads the scored-log projection of a tenant.
 */
export interface BenchmarkDataSource {
  load(path: string, format: string): Promise<BenchmarkData>;
  fromStore(tenant: string): Promise<BenchmarkData>;
}
