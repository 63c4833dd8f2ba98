import type { BenchmarkReport, ScopeReport } from '../../domain/benchmark/benchmark-report';
import {
  costSavedSentence,
  displayRows,
  formatNumber,
  formatPercent,
  formatUsd,
  scenarioTitle,
} from './report-format';

export interface ConsoleTableOptions {
  /** Scenarios to show (default: all, in report order). */
  scenarios?: readonly string[];
  /** Show a table per task after the overall one (default true). */
  tasks?: boolean;
  /** Show every single candidate as a row (default true). */
  singles?: boolean;
}

const HEADERS = ['row', 'perf', 'cost USD/query', 'reward', 'gap closed', 'note'];
// Numeric columns align right so digits line up.
const RIGHT = [false, true, true, true, true, false];

function table(rows: string[][]): string {
  const widths = HEADERS.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (RIGHT[i] ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(HEADERS), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

function scopeTable(title: string, scope: ScopeReport, singles: boolean): string {
  const rows = displayRows(scope, { singles }).map((r) => [
    r.label,
    formatNumber(r.entry.performance),
    formatUsd(r.entry.cost_usd),
    formatNumber(r.entry.reward, 4),
    formatPercent(r.entry.gap_closed),
    r.notes.join(', '),
  ]);
  return `${title}\n${table(rows)}\ncost saved: ${costSavedSentence(scope)}\n`;
}

/**
 * Plain-text tables of a benchmark report: per scenario, the overall table, then one per task. Rows are the
 * strategies (champion noted), best single, random, oracle and each single candidate; columns are mean raw
 * performance, mean cost per query (USD), mean reward and the share of the best-single-to-oracle gap closed.
 */
export function renderBenchmarkConsoleTable(
  report: BenchmarkReport,
  options: ConsoleTableOptions = {},
): string {
  const names = options.scenarios ?? Object.keys(report.scenarios);
  const out: string[] = [];
  const d = report.dataset;
  out.push(
    `Benchmark${d.name ? ` ${d.name}` : ''}: ${d.test_queries} test queries (${d.train_queries} train, ${d.validation_queries} of them validation), ` +
      `${d.candidates.length} candidates, ${Object.keys(d.tasks).length} tasks, split from ${d.split.source}`,
  );
  for (const name of names) {
    const s = report.scenarios[name];
    if (!s) continue;
    out.push('', `=== ${scenarioTitle(report, name)} ===`);
    out.push(
      scopeTable(
        `--- overall (${s.overall.test_queries} test queries) ---`,
        s.overall,
        options.singles ?? true,
      ),
    );
    if (options.tasks ?? true) {
      for (const [task, scope] of Object.entries(s.tasks)) {
        out.push(
          scopeTable(
            `--- task ${task} (${scope.test_queries} test queries) ---`,
            scope,
            options.singles ?? true,
          ),
        );
      }
    }
  }
  return `${out.join('\n')}\n`;
}
