import { DomainError, ErrorCode } from '@fusion/shared/kernel';
import type { BenchmarkReport } from '../../domain/benchmark/benchmark-report';

// Twelve significant digits hide floating noise (0.30000000000000004) without losing any real precision.
function tidy(value: unknown, path: string): unknown {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) {
      throw new DomainError(ErrorCode.Internal, `benchmark report has a non-finite number at ${path}`);
    }
    return Number(value.toPrecision(12));
  }
  if (Array.isArray(value)) return value.map((v, i) => tidy(v, `${path}[${i}]`));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, tidy(v, `${path}.${k}`)]));
  }
  return value;
}

/**
 * `report.json` text: keys in the report's own (documented, deterministic) order, 2-space indent, trailing newline.
 * The same report always gives the same bytes.
 */
export function serializeBenchmarkReport(report: BenchmarkReport): string {
  return `${JSON.stringify(tidy(report, '$'), null, 2)}\n`;
}
