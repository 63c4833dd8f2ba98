import { isAbsolute, relative, resolve } from 'node:path';
import { DomainError, type FieldViolation } from '@fusion/shared/kernel';
import { buildBenchmarkQueries } from '../../domain/benchmark/benchmark-query.builder';
import type { BenchmarkReport } from '../../domain/benchmark/benchmark-report';
import { resolveScenarios } from '../../domain/benchmark/scenario';
import type {
  BenchmarkReportWriter,
  WrittenBenchmarkReport,
} from '../benchmark/benchmark-report-writer.port';
import { DEFAULT_BENCHMARK_SEED, runBenchmark } from '../benchmark/run-benchmark.handler';
import type { BenchmarkData, BenchmarkDataSource } from './benchmark-data-source.port';
import type { StrategyTrainerFactory } from './strategy-trainer-factory.port';

/** A `RunBenchmark` request, transport-neutral (empty strings and lists mean "not given"). */
export interface BenchmarkRequest {
  /** A file or directory in an import format; empty = the tenant's logs in the scored-log projection. */
  dataPath: string;
  /** Import format; empty = auto. */
  format: string;
  /** Whose stored logs to read when `dataPath` is empty; empty = `default`. */
  tenant: string;
  scenarios: readonly string[];
  routers: readonly string[];
  /** Seeds the split (when the data has none), the validation slice and the random baseline; null = not given. */
  seed: number | null;
  /** Test share of a seeded split; null = the default. */
  testFraction: number | null;
  /** Folder for report.json and report.html, inside the report directory; empty = no files. */
  outDir: string;
}

export interface BenchmarkRequestProgress {
  phase: 'loading' | 'building' | 'champion_selection' | 'final_evaluation' | 'report' | 'writing';
  message: string;
  /** 0..1 over the whole request. */
  progress: number;
}

export interface BenchmarkRequestOutcome {
  report: BenchmarkReport;
  /** Null when no `outDir` was given. */
  written: WrittenBenchmarkReport | null;
}

export interface BenchmarkRequestDeps {
  data: BenchmarkDataSource;
  /** Null when this process hosts no strategies: only the baselines are reported. */
  trainers: StrategyTrainerFactory | null;
  writer: BenchmarkReportWriter;
  /** Absolute folder reports may be written under. */
  reportDir: string;
  /** Folders `dataPath` may name; unrestricted when empty. */
  dataRoots: readonly string[];
}

/** `out_dir` resolved inside the report folder; anything that escapes it is INVALID_ARGUMENT. */
export function resolveReportDir(outDir: string, reportDir: string): string {
  const root = resolve(reportDir);
  const target = resolve(root, outDir);
  const rel = relative(root, target);
  if (rel.startsWith('..') || isAbsolute(rel)) {
    throw DomainError.invalidArgument(
      'out_dir',
      `must be inside the report directory ${root} (EVALUATION_REPORT_DIR); give a relative folder name such as "run-1"`,
    );
  }
  return target;
}

/** `data_path` resolved, and checked against the allowed roots when there are any. */
export function resolveDataPath(dataPath: string, roots: readonly string[]): string {
  const target = resolve(dataPath);
  if (roots.length === 0) return target;
  const inside = roots.some((root) => {
    const rel = relative(resolve(root), target);
    return !rel.startsWith('..') && !isAbsolute(rel);
  });
  if (!inside) {
    throw DomainError.invalidArgument(
      'data_path',
      `${target} is outside the folders this service may read (EVALUATION_DATA_ROOTS: ${roots.join(', ')})`,
    );
  }
  return target;
}

function validate(req: BenchmarkRequest, deps: BenchmarkRequestDeps): { kinds: string[] } {
  const violations: FieldViolation[] = [];
  if (req.testFraction !== null && !(req.testFraction > 0 && req.testFraction < 1)) {
    violations.push({ field: 'test_fraction', reason: `must be in (0, 1), got ${req.testFraction}` });
  }
  if (req.seed !== null && !Number.isSafeInteger(req.seed)) {
    violations.push({ field: 'seed', reason: `must be an integer, got ${req.seed}` });
  }
  if (violations.length > 0) throw DomainError.invalidArguments(violations);
  if (req.scenarios.length > 0) resolveScenarios(req.scenarios);

  const named = [...new Set(req.routers.map((r) => r.trim()).filter((r) => r !== ''))];
  if (!deps.trainers) {
    if (named.length > 0) {
      throw DomainError.failedPrecondition(
        `this service hosts no routing strategies, so routers cannot be named (got ${named.join(', ')}); leave routers empty for the baselines only`,
      );
    }
    return { kinds: [] };
  }
  const known = deps.trainers.kinds;
  const unknown = named.filter((k) => !known.includes(k));
  if (unknown.length > 0) {
    throw DomainError.invalidArgument(
      'routers',
      `unknown router kind '${unknown[0]}'; supported: ${known.join(', ')}`,
    );
  }
  return { kinds: named.length > 0 ? named : [...deps.trainers.defaultKinds] };
}

/**
 * Runs a benchmark for the RPC: reads the logs (a file in an import format, or the stored scored logs), builds the
 * split, trains the strategies and scores them against the baselines, and writes report.json and report.html when
 * asked. A request without a usable split and without a seed fails with FAILED_PRECONDITION saying how to give one.
 */
export async function handleBenchmarkRequest(
  req: BenchmarkRequest,
  deps: BenchmarkRequestDeps,
  onProgress: (p: BenchmarkRequestProgress) => void = () => undefined,
): Promise<BenchmarkRequestOutcome> {
  const { kinds } = validate(req, deps);
  const outDir = req.outDir.trim() !== '' ? resolveReportDir(req.outDir.trim(), deps.reportDir) : null;
  const tenant = req.tenant.trim() || 'default';

  let data: BenchmarkData;
  if (req.dataPath.trim() !== '') {
    const path = resolveDataPath(req.dataPath.trim(), deps.dataRoots);
    onProgress({ phase: 'loading', message: `reading ${path}`, progress: 0 });
    data = await deps.data.load(path, req.format.trim() || 'auto');
    if (data.records.length === 0) {
      const left = Object.entries(data.issues).map(([k, v]) => `${k}: ${v}`);
      throw DomainError.invalidArgument(
        'data_path',
        `no usable log record in ${path}${left.length > 0 ? ` (${left.join(', ')})` : ''}; check the format and the file`,
      );
    }
  } else {
    onProgress({ phase: 'loading', message: `reading the stored logs of tenant ${tenant}`, progress: 0 });
    data = await deps.data.fromStore(tenant);
    if (data.records.length === 0) {
      throw DomainError.failedPrecondition(
        `tenant ${tenant} has no logs in the evaluation store yet: ingest logs first, or give data_path`,
      );
    }
  }

  const dataset = buildBenchmarkQueries(data.records, {
    ...(req.seed !== null ? { seed: req.seed } : {}),
    ...(req.testFraction !== null ? { testFraction: req.testFraction } : {}),
  });
  const train = dataset.queries.filter((q) => q.split === 'train').length;
  onProgress({
    phase: 'building',
    message: `${data.records.length} records, ${dataset.queries.length} queries (${train} train, ${dataset.queries.length - train} test, split from ${dataset.split.source}), ${dataset.candidates.length} candidates; strategies: ${kinds.join(', ') || 'baselines only'}`,
    progress: 0.05,
  });

  const seed = req.seed ?? DEFAULT_BENCHMARK_SEED;
  const trainers = deps.trainers && kinds.length > 0 ? deps.trainers.create(kinds, { seed }) : [];
  const issues: Record<string, number> = { ...dataset.issues };
  for (const [k, v] of Object.entries(data.issues)) issues[`import_${k}`] = (issues[`import_${k}`] ?? 0) + v;
  const report = await runBenchmark({
    queries: dataset.queries,
    trainers,
    ...(req.scenarios.length > 0 ? { scenarios: req.scenarios } : {}),
    seed,
    dataset: { name: data.name, split: dataset.split, issues },
    onProgress: (p) =>
      onProgress({
        phase: p.phase,
        message: p.message,
        progress: 0.05 + 0.9 * (p.completed / Math.max(1, p.total)),
      }),
  });

  let written: WrittenBenchmarkReport | null = null;
  if (outDir) {
    onProgress({
      phase: 'writing',
      message: `writing report.json and report.html to ${outDir}`,
      progress: 0.97,
    });
    written = await deps.writer.write(report, outDir);
  }
  return { report, written };
}
