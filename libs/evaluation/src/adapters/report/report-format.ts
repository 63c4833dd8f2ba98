import type { BenchmarkReport, MetricsEntry, ScopeReport } from '../../domain/benchmark/benchmark-report';

export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** USD with enough decimals to show three significant digits of small per-query costs. */
export function formatUsd(v: number | null): string {
  if (v === null || !Number.isFinite(v)) return '-';
  if (v === 0) return '$0';
  const abs = Math.abs(v);
  const decimals = abs >= 1 ? 2 : Math.min(10, Math.max(4, 2 - Math.floor(Math.log10(abs))));
  return `${v < 0 ? '-' : ''}$${abs.toFixed(decimals)}`;
}

export function formatNumber(v: number | null, decimals = 3): string {
  return v === null || !Number.isFinite(v) ? '-' : v.toFixed(decimals);
}

export function formatPercent(v: number | null, alreadyPercent = false): string {
  if (v === null || !Number.isFinite(v)) return '-';
  return `${(alreadyPercent ? v : v * 100).toFixed(1)}%`;
}

/** One labelled row of a scope table, in display order: strategies, best single, random, oracle, then singles. */
export interface DisplayRow {
  label: string;
  entry: MetricsEntry;
  notes: string[];
}

export function displayRows(scope: ScopeReport, opts: { singles: boolean }): DisplayRow[] {
  const frontier = new Set(scope.pareto_frontier);
  const rows: DisplayRow[] = [];
  for (const e of Object.values(scope.strategies)) {
    rows.push({ label: e.name, entry: e, notes: e.name === scope.champion ? ['champion'] : [] });
  }
  rows.push({
    label: `best single: ${scope.best_single.candidate ?? '?'}`,
    entry: scope.best_single,
    notes: [],
  });
  rows.push({ label: 'random', entry: scope.random, notes: [] });
  rows.push({ label: 'oracle', entry: scope.oracle, notes: [] });
  if (opts.singles) {
    const singles = Object.values(scope.singles).sort(
      (a, b) => b.reward - a.reward || (a.name < b.name ? -1 : 1),
    );
    for (const e of singles) {
      const notes: string[] = [];
      if (frontier.has(e.name)) notes.push('pareto');
      if (e.name === scope.best_single.candidate) notes.push('best single');
      rows.push({ label: `single: ${e.name}`, entry: e, notes });
    }
  }
  return rows;
}

/** One sentence on what the champion saves against the best single at (about) its quality. */
export function costSavedSentence(scope: ScopeReport): string {
  const c = scope.cost_saved;
  const q = c.quality_metric === 'judge_score' ? 'judge score' : 'performance';
  const parts: string[] = [];
  if (c.champion !== null && c.champion_cost_usd !== null) {
    const verb = (c.saved_usd_per_query ?? 0) >= 0 ? 'saves' : 'costs';
    const pct =
      c.saved_pct === null
        ? ''
        : ` (${formatPercent(Math.abs(c.saved_pct), true)} ${verb === 'saves' ? 'less' : 'more'})`;
    parts.push(
      `champion ${c.champion} ${formatUsd(c.champion_cost_usd)}/query vs best single ${c.best_single} ${formatUsd(c.best_single_cost_usd)}/query${pct}, ` +
        `${q} ${formatNumber(c.champion_quality)} vs ${formatNumber(c.best_single_quality)}` +
        (c.champion_reaches_quality ? ' (reaches the best single)' : ' (below the best single)'),
    );
  } else {
    parts.push(`no champion; best single ${c.best_single} ${formatUsd(c.best_single_cost_usd)}/query`);
  }
  const ch = c.cheapest_at_quality;
  parts.push(
    `cheapest reaching the best single's ${q}: ${ch.name} (${ch.kind}) ${formatUsd(ch.cost_usd)}/query` +
      (ch.saved_pct === null ? '' : `, ${formatPercent(ch.saved_pct, true)} saved`),
  );
  return parts.join('; ');
}

/** Scenario heading, e.g. `balance (alpha 0.5, beta 0.5)`. */
export function scenarioTitle(report: BenchmarkReport, name: string): string {
  const s = report.scenarios[name]?.scenario;
  if (!s) return name;
  return s.objective === 'judge'
    ? `${name} (reward = judge score)`
    : `${name} (alpha ${s.alpha}, beta ${s.beta})`;
}
