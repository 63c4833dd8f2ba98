import type { BenchmarkReport, ScenarioReport, ScopeReport } from '../../domain/benchmark/benchmark-report';
import { renderParetoPlot } from './pareto-plot.renderer';
import {
  costSavedSentence,
  displayRows,
  escapeHtml,
  formatNumber,
  formatPercent,
  formatUsd,
  scenarioTitle,
} from './report-format';

const STYLE = `
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 24px auto; max-width: 1180px; color: #1a202c; padding: 0 16px; }
h1 { font-size: 24px; margin-bottom: 4px; }
h2 { border-bottom: 2px solid #e2e8f0; padding-bottom: 4px; margin-top: 40px; }
h3 { margin: 22px 0 6px; font-size: 16px; }
table { border-collapse: collapse; margin: 8px 0 4px; font-size: 13px; }
th, td { padding: 3px 9px; border-bottom: 1px solid #edf2f7; text-align: right; white-space: nowrap; }
th:first-child, td:first-child, td.text { text-align: left; }
th { background: #f7fafc; font-weight: 600; }
tr.kind-strategy td:first-child { font-weight: 600; color: #9c4221; }
tr.kind-oracle td:first-child { color: #276749; }
tr.kind-best_single td:first-child { color: #553c9a; }
tr.champion { background: #fffaf0; }
.table-wrap { overflow-x: auto; }
.cost-saved { background: #f0fff4; border-left: 4px solid #38a169; padding: 6px 10px; margin: 8px 0; }
.meta { color: #4a5568; }
figure { margin: 12px 0; }
figcaption { color: #4a5568; font-size: 12px; }
details { margin: 8px 0; }
dl.rules dt { font-weight: 600; margin-top: 6px; }
dl.rules dd { margin-left: 16px; color: #4a5568; }
`;

function scopeTable(scenario: string, scopeName: string, scope: ScopeReport): string {
  const rows = displayRows(scope, { singles: true });
  const head = [
    'row',
    'perf',
    'perf (norm.)',
    'judge',
    'cost USD/query',
    'cost USD total',
    'reward',
    'gap closed',
    'NDCG@3',
    'Hit@1',
    'MRR',
    'most chosen',
    'note',
  ];
  const body = rows.map((r) => {
    const e = r.entry;
    const topChoices = Object.entries(e.choices)
      .slice(0, 3)
      .map(([c, n]) => `${c} ${n}`)
      .join(', ');
    const cls = `kind-${e.kind}${r.notes.includes('champion') ? ' champion' : ''}`;
    const cells = [
      escapeHtml(r.label),
      formatNumber(e.performance),
      formatNumber(e.performance_normalised),
      formatNumber(e.judge_score),
      formatUsd(e.cost_usd),
      formatUsd(e.cost_usd_total),
      formatNumber(e.reward, 4),
      formatPercent(e.gap_closed),
      formatNumber(e.ranking?.ndcg_at_3 ?? null),
      formatNumber(e.ranking?.hit_at_1 ?? null),
      formatNumber(e.ranking?.mrr ?? null),
    ];
    return (
      `<tr class="${cls}">${cells.map((c) => `<td>${c}</td>`).join('')}` +
      `<td class="text">${escapeHtml(e.kind === 'strategy' || e.kind === 'oracle' || e.kind === 'random' ? topChoices : '')}</td>` +
      `<td class="text">${escapeHtml(r.notes.join(', '))}</td></tr>`
    );
  });
  return (
    `<div class="table-wrap"><table class="metrics-table" data-scenario="${escapeHtml(scenario)}" data-scope="${escapeHtml(scopeName)}">` +
    `<thead><tr>${head.map((h) => `<th>${h}</th>`).join('')}</tr></thead><tbody>${body.join('')}</tbody></table></div>` +
    `<p class="cost-saved">${escapeHtml(costSavedSentence(scope))}</p>`
  );
}

function scenarioSection(report: BenchmarkReport, name: string, s: ScenarioReport): string {
  const id = escapeHtml(name);
  const parts = [
    `<section class="scenario" id="scenario-${id}" data-scenario="${id}">`,
    `<h2>${escapeHtml(scenarioTitle(report, name))}</h2>`,
    `<figure>${renderParetoPlot(s, s.overall)}<figcaption>All ${s.overall.test_queries} test queries. Each grey or blue dot is one single candidate; the dashed line is their Pareto frontier (nothing cheaper is at least as good). Diamonds are fusion strategies.</figcaption></figure>`,
    `<h3>Overall (${s.overall.test_queries} test queries)</h3>`,
    scopeTable(name, 'overall', s.overall),
  ];
  for (const [task, scope] of Object.entries(s.tasks)) {
    parts.push(
      `<h3>Task ${escapeHtml(task)} (${scope.test_queries} test queries)</h3>`,
      scopeTable(name, task, scope),
    );
  }
  parts.push('</section>');
  return parts.join('\n');
}

/**
 * `report.html`: one self-contained file (inline CSS and SVG, no scripts, no external assets). Per scenario a
 * cost-versus-quality plot of the overall results and a table overall and per task.
 */
export function renderBenchmarkHtml(report: BenchmarkReport): string {
  const d = report.dataset;
  const title = `FusionFactory benchmark${d.name ? `: ${d.name}` : ''}`;
  const rules = Object.entries(report.settings)
    .filter(([, v]) => typeof v === 'string')
    .map(([k, v]) => `<dt>${escapeHtml(k.replace(/_/g, ' '))}</dt><dd>${escapeHtml(String(v))}</dd>`)
    .join('');
  const tasks = Object.entries(d.tasks)
    .map(
      ([t, i]) =>
        `${escapeHtml(t)} (${escapeHtml(i.domain)}: ${i.train_queries} train, ${i.test_queries} test)`,
    )
    .join('; ');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>${escapeHtml(title)}</h1>
<p class="meta">${d.queries} queries: ${d.train_queries} train (${d.validation_queries} held out for champion selection), ${d.test_queries} test;
${d.candidates.length} candidates; split from ${escapeHtml(d.split.source)}${d.split.seed !== null ? ` (seed ${d.split.seed}, test fraction ${d.split.test_fraction})` : ''};
seed ${report.settings.seed}; strategies: ${escapeHtml(report.settings.trainers.join(', ') || 'none')}.</p>
<p class="meta">Tasks: ${tasks}.</p>
<details><summary>How these numbers are computed</summary><dl class="rules">${rules}</dl></details>
</header>
<main>
${Object.entries(report.scenarios)
  .map(([name, s]) => scenarioSection(report, name, s))
  .join('\n')}
</main>
<footer class="meta"><p>schema_version ${report.schema_version}; the same numbers are in report.json.</p></footer>
</body>
</html>
`;
}
