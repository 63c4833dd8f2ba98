import type { BenchmarkReport } from '../../domain/benchmark/benchmark-report';

/** Where the written report files are. */
export interface WrittenBenchmarkReport {
  jsonPath: string;
  htmlPath: string;
}

/** Persists a benchmark report (`report.json` and `report.html`) for people and tools to read. */
export interface BenchmarkReportWriter {
  write(report: BenchmarkReport, outDir: string): Promise<WrittenBenchmarkReport>;
}
