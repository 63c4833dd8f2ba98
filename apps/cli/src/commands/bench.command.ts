import { basename, extname, resolve } from 'node:path';
import type { LogRecord } from '@fusion/contracts';
import {
  buildBenchmarkQueries,
  FileBenchmarkReportWriter,
  parseScenario,
  renderBenchmarkConsoleTable,
  runBenchmark,
  type BenchmarkDataset,
  type BenchmarkReport,
  type ScenarioSpec,
} from '@fusion/evaluation';
import { createStrategyTrainer, ROUTER_KINDS, STRATEGY_CATALOGUE } from '@fusion/routing';
import { DomainError, ErrorCode } from '@fusion/shared/kernel';
import type { GlobalOptions } from '../cli-context';
import { Output } from '../cli-context';
import { CliError } from '../cli-error';
import { existingPath, parseFormat, parseInteger, parseList, parseNumber } from '../option-parsers';
import { ProgressBar } from '@fusion/shared/console';
import { readLogs, rejectionSummary } from './log-reading';

export interface BenchFlags {
  data?: string;
  train?: string;
  test?: string;
  format?: string;
  scenario?: string[];
  routers?: string[];
  out: string;
  seed?: string;
  testFraction?: string;
  resplit?: boolean;
  name?: string;
  tasks?: boolean;
  singles?: boolean;
}

/** What `--routers` takes: every strategy kind but the oracle (the harness reports it anyway). */
export const BENCH_STRATEGIES = STRATEGY_CATALOGUE.map((s) => s.kind).filter((k) => k !== 'oracle');
/** Run when --routers is not given: every router kind, plus the cheapest-model baseline. */
export const DEFAULT_BENCH_STRATEGIES: readonly string[] = [...ROUTER_KINDS, 'cheapest'];
const ALIASES: Readonly<Record<string, string>> = {
  mf: 'matrix_factorisation',
  matrix: 'matrix_factorisation',
};

export function parseRouters(values: string[] | undefined): string[] {
  const list = parseList(values);
  if (list.length === 0 || (list.length === 1 && list[0] === 'all')) return [...DEFAULT_BENCH_STRATEGIES];
  const kinds = list.map((k) => ALIASES[k] ?? k);
  const unknown = kinds.filter((k) => !(BENCH_STRATEGIES as readonly string[]).includes(k));
  if (unknown.length > 0) {
    throw CliError.usage(
      `unknown router kind '${unknown[0]}': use --routers with a comma list of ${BENCH_STRATEGIES.join(', ')} (or all)`,
    );
  }
  return [...new Set(kinds)];
}

/** `--scenario` values: `all` (the default set), names, `custom:a,b`; repeatable or comma-separated. */
export function parseScenarios(values: string[] | undefined): ScenarioSpec[] | undefined {
  const raw = (values ?? []).map((v) => v.trim()).filter((v) => v !== '');
  if (raw.length === 0 || raw.includes('all')) return undefined;
  const specs: string[] = [];
  for (const value of raw) {
    if (tryScenario(value)) specs.push(value);
    else if (value.includes(','))
      specs.push(
        ...value
          .split(',')
          .map((s) => s.trim())
          .filter((s) => s !== ''),
      );
    else specs.push(value);
  }
  for (const s of specs) {
    if (!tryScenario(s)) {
      throw CliError.usage(
        `unknown scenario '${s}': use --scenario performance_first|balance|cost_first|judge|all or custom:<alpha>,<beta>`,
      );
    }
  }
  return [...new Set(specs)];
}

function tryScenario(spec: string): boolean {
  try {
    parseScenario(spec);
    return true;
  } catch {
    return false;
  }
}

function noSplitError(err: DomainError): CliError {
  return CliError.usage(
    `no test split: ${err.message.split(';')[0]}; pass --seed <n> (and optionally --test-fraction 0.2) for a seeded split, or --train <file> --test <file>`,
  );
}

function withSplit(records: LogRecord[], split: 'train' | 'test'): LogRecord[] {
  return records.map((r) => ({ ...r, split }));
}

/** `fusion bench`: import logs, benchmark every router kind and the baselines offline, write the report. */
export async function runBench(flags: BenchFlags, globals: GlobalOptions): Promise<void> {
  const out = new Output(globals);
  if (flags.data && (flags.train || flags.test)) {
    throw CliError.usage('give either --data <file|dir> or --train <file> --test <file>, not both');
  }
  if (!flags.data && !flags.train && !flags.test) {
    throw CliError.usage('no logs given: pass --data <file|dir>, or --train <file> --test <file>');
  }
  if (!flags.data && (!flags.train || !flags.test)) {
    throw CliError.usage(
      flags.train
        ? 'no test split: --train needs --test <file> (or use --data with --seed for a seeded split)'
        : '--test needs --train <file> (or use --data with --seed for a seeded split)',
    );
  }
  const format = parseFormat(flags.format);
  const scenarios = parseScenarios(flags.scenario);
  const kinds = parseRouters(flags.routers);
  const seed = flags.seed !== undefined ? parseInteger('--seed', flags.seed, { min: 0 }) : undefined;
  const testFraction =
    flags.testFraction !== undefined
      ? parseNumber('--test-fraction', flags.testFraction, { min: 0, max: 1, exclusive: true })
      : undefined;
  const outDir = resolve(flags.out);
  const inputs = flags.data
    ? [{ path: existingPath('--data', flags.data), split: null }]
    : [
        { path: existingPath('--train', flags.train as string), split: 'train' as const },
        { path: existingPath('--test', flags.test as string), split: 'test' as const },
      ];

  const records: LogRecord[] = [];
  // Notes wait until the data is usable, so a bad input prints its one error line and nothing else.
  const notes: string[] = [];
  for (const input of inputs) {
    const label = input.split ? `import ${input.split}` : 'import';
    const { records: read, report } = await readLogs(input.path, format, { label, quiet: globals.quiet });
    const rejected = rejectionSummary(report);
    notes.push(
      `${label}: ${report.accepted} records from ${report.files.length} file(s) (${report.format})${rejected ? `, ${rejected}: left out` : ''}`,
    );
    if (report.accepted === 0) {
      throw CliError.usage(
        `no usable log record in ${input.path}${rejected ? ` (${rejected})` : ''}: check --format and the file`,
      );
    }
    records.push(...(input.split ? withSplit(read, input.split) : read));
  }

  let dataset: BenchmarkDataset;
  try {
    // --test-fraction alone asks for a seeded split too (seed 42 unless --seed says otherwise).
    const splitSeed = seed ?? (testFraction !== undefined || flags.resplit ? 42 : undefined);
    dataset = buildBenchmarkQueries(records, {
      ...(splitSeed !== undefined ? { seed: splitSeed } : {}),
      ...(testFraction !== undefined ? { testFraction } : {}),
      ...(flags.resplit ? { resplit: true } : {}),
    });
  } catch (err) {
    if (err instanceof DomainError && err.code === ErrorCode.FailedPrecondition) throw noSplitError(err);
    throw err;
  }
  const train = dataset.queries.filter((q) => q.split === 'train').length;
  for (const n of notes) out.note(n);
  out.note(
    `benchmark: ${dataset.queries.length} queries (${train} train, ${dataset.queries.length - train} test, split from ${dataset.split.source}), ${dataset.candidates.length} candidates; strategies: ${kinds.join(', ')}`,
  );

  const trainers = kinds.map((k) => createStrategyTrainer(k, { seed: seed ?? 42 }));
  const bar = new ProgressBar({ label: 'bench', enabled: !globals.quiet });
  let report: BenchmarkReport;
  try {
    report = await runBenchmark({
      queries: dataset.queries,
      trainers,
      ...(scenarios ? { scenarios } : {}),
      ...(seed !== undefined ? { seed } : {}),
      onProgress: (p) => bar.update(p.completed, p.total, p.message),
      dataset: { name: flags.name ?? datasetName(flags), split: dataset.split, issues: dataset.issues },
    });
  } catch (err) {
    if (err instanceof DomainError && err.code === ErrorCode.FailedPrecondition && /test/.test(err.message))
      throw noSplitError(err);
    throw err;
  }
  bar.finish();
  const written = await new FileBenchmarkReportWriter().write(report, outDir);
  out.result(benchSummary(report, written), () =>
    [
      renderBenchmarkConsoleTable(report, {
        tasks: flags.tasks ?? true,
        singles: flags.singles ?? true,
      }).trimEnd(),
      '',
      headline(report),
      `wrote ${written.jsonPath} and ${written.htmlPath}`,
    ].join('\n'),
  );
}

function datasetName(flags: BenchFlags): string {
  const base = (p: string) => basename(p, extname(p));
  return flags.data
    ? base(resolve(flags.data))
    : `${base(flags.train as string)}+${base(flags.test as string)}`;
}

/** One line per scenario: best single versus champion, and what the champion saves. */
export function headline(report: BenchmarkReport): string {
  const lines = ['summary (overall, test split):'];
  for (const [name, s] of Object.entries(report.scenarios)) {
    const o = s.overall;
    const champ = o.champion ? o.strategies[o.champion] : undefined;
    const saved = o.cost_saved.saved_pct;
    lines.push(
      `  ${name}: best single ${o.best_single.candidate} reward ${o.best_single.reward.toFixed(4)} (perf ${o.best_single.performance.toFixed(3)}, $${o.best_single.cost_usd.toPrecision(3)}/query)` +
        (champ
          ? `; champion ${o.champion} reward ${champ.reward.toFixed(4)} (perf ${champ.performance.toFixed(3)}, $${champ.cost_usd.toPrecision(3)}/query)` +
            (saved !== null ? `; cost saved ${saved.toFixed(1)}%` : '')
          : '') +
        `; oracle ${o.oracle.reward.toFixed(4)}`,
    );
  }
  return lines.join('\n');
}

function entryBrief(e: {
  name: string;
  candidate: string | null;
  performance: number;
  cost_usd: number;
  reward: number;
}) {
  return {
    name: e.name,
    candidate: e.candidate,
    performance: e.performance,
    cost_usd: e.cost_usd,
    reward: e.reward,
  };
}

function championEntry(scope: BenchmarkReport['scenarios'][string]['overall']) {
  const entry = scope.champion ? scope.strategies[scope.champion] : undefined;
  return entry ? entryBrief(entry) : null;
}

/** The --json result: where the report is, and per scenario the headline numbers. */
export function benchSummary(report: BenchmarkReport, written: { jsonPath: string; htmlPath: string }) {
  return {
    report_json: written.jsonPath,
    report_html: written.htmlPath,
    dataset: {
      name: report.dataset.name,
      queries: report.dataset.queries,
      test_queries: report.dataset.test_queries,
      candidates: report.dataset.candidates.length,
      tasks: Object.keys(report.dataset.tasks),
    },
    scenarios: Object.fromEntries(
      Object.entries(report.scenarios).map(([name, s]) => [
        name,
        {
          champion: s.overall.champion,
          best_single: entryBrief(s.overall.best_single),
          champion_entry: championEntry(s.overall),
          oracle: entryBrief(s.overall.oracle),
          cost_saved_pct: s.overall.cost_saved.saved_pct,
        },
      ]),
    ),
  };
}
