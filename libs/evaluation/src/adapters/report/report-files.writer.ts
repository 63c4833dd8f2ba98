import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type {
  BenchmarkReportWriter,
  WrittenBenchmarkReport,
} from '../../application/benchmark/benchmark-report-writer.port';
import type { BenchmarkReport } from '../../domain/benchmark/benchmark-report';
import { renderBenchmarkHtml } from './html-report.renderer';
import { serializeBenchmarkReport } from './json-report.serializer';

/** Writes `report.json` and `report.html` into a folder (created when missing). */
export class FileBenchmarkReportWriter implements BenchmarkReportWriter {
  async write(report: BenchmarkReport, outDir: string): Promise<WrittenBenchmarkReport> {
    await mkdir(outDir, { recursive: true });
    const jsonPath = join(outDir, 'report.json');
    const htmlPath = join(outDir, 'report.html');
    await writeFile(jsonPath, serializeBenchmarkReport(report), 'utf8');
    await writeFile(htmlPath, renderBenchmarkHtml(report), 'utf8');
    return { jsonPath, htmlPath };
  }
}
