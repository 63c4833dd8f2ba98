import type { PipelineSummary } from './embedded.types';

function pct(x: number): string {
  return `${(x * 100).toFixed(1)}%`;
}

function usd(x: number): string {
  return x >= 0.01 ? `$${x.toFixed(4)}` : `$${x.toPrecision(3)}`;
}

function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length))) ?? [];
  return rows
    .map((r, i) => {
      const line = r
        .map((cell, c) => (c === 0 ? cell.padEnd(widths[c] ?? 0) : cell.padStart(widths[c] ?? 0)))
        .join('  ');
      return i === 0 ? `${line}\n${widths.map((w) => '-'.repeat(w)).join('  ')}` : line;
    })
    .join('\n');
}

/** The start-up table: best single model vs the champion router, per scenario, with cost per query. */
export function renderPipelineSummary(s: PipelineSummary): string {
  const lines: string[] = [];
  const source = s.synthetic
    ? 'SYNTHETIC demo logs (generated; not real model outputs)'
    : s.seeded === 'existing'
      ? 'logs already in the store'
      : 'imported logs';
  lines.push(`Logs: ${s.records} records (${source}), tenant "${s.tenant}".`);
  if (s.champion) {
    lines.push(
      `Champion router: ${s.champion.routerId === s.champion.kind ? s.champion.kind : `${s.champion.kind} (${s.champion.routerId})`} v${s.champion.version}${s.trainedNow ? ' (trained and promoted now)' : ' (loaded from the store)'}.`,
    );
  }
  if (s.scenarios.length > 0) {
    lines.push(
      '',
      `Held-out test queries: ${s.testQueries}. Router chosen on validation; reward = a*perf - b*cost, per-task normalised.`,
    );
    const rows: string[][] = [
      [
        'scenario',
        'best single model',
        'perf',
        'cost/query',
        'reward',
        'champion router',
        'perf',
        'cost/query',
        'reward',
        'cost saved',
        'oracle reward',
      ],
    ];
    for (const sc of s.scenarios) {
      rows.push([
        sc.scenario,
        sc.bestSingle.candidate,
        pct(sc.bestSingle.performance),
        usd(sc.bestSingle.costUsd),
        sc.bestSingle.reward.toFixed(4),
        sc.champion.name,
        pct(sc.champion.performance),
        usd(sc.champion.costUsd),
        sc.champion.reward.toFixed(4),
        `${sc.costSavedPct.toFixed(1)}%`,
        sc.oracle.reward.toFixed(4),
      ]);
    }
    lines.push(table(rows));
  }
  if (s.templates)
    lines.push('', `Thought templates: ${s.templates.count} (summariser ${s.templates.summarizer}).`);
  if (s.dataset)
    lines.push(
      `SFT dataset (top responses, model-level fusion): ${s.dataset.records} records at ${s.dataset.path}.`,
    );
  for (const n of s.notes) lines.push(`Note: ${n}`);
  return lines.join('\n');
}
