import type { MetricsEntry, ScenarioReport, ScopeReport } from '../../domain/benchmark/benchmark-report';
import { escapeHtml, formatNumber, formatUsd } from './report-format';

const W = 820;
const H = 480;
const M = { left: 78, right: 210, top: 24, bottom: 60 };
const PW = W - M.left - M.right;
const PH = H - M.top - M.bottom;

interface Axis {
  toPx: (v: number) => number;
  ticks: number[];
  log: boolean;
}

function niceStep(span: number, count: number): number {
  const raw = span / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const norm = raw / mag;
  return (norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 5 ? 5 : 10) * mag;
}

function linearAxis(lo: number, hi: number, px0: number, px1: number): Axis {
  if (hi - lo < 1e-12) {
    lo -= 0.5 * (Math.abs(lo) || 1);
    hi += 0.5 * (Math.abs(hi) || 1);
  }
  const step = niceStep(hi - lo, 5);
  const start = Math.floor(lo / step) * step;
  const end = Math.ceil(hi / step) * step;
  const ticks: number[] = [];
  for (let t = start; t <= end + step / 2; t += step) ticks.push(Number(t.toPrecision(10)));
  return { toPx: (v) => px0 + ((v - start) / (end - start)) * (px1 - px0), ticks, log: false };
}

// Per-query costs of different LLMs differ by orders of magnitude, so cost goes on a log axis when it can.
function costAxis(values: number[], px0: number, px1: number): Axis {
  const positive = values.filter((v) => v > 0);
  const min = Math.min(...values);
  const max = Math.max(...values);
  if (positive.length === values.length && positive.length > 0 && max / min >= 10) {
    const lo = Math.floor(Math.log10(min));
    const hi = Math.ceil(Math.log10(max));
    const ticks: number[] = [];
    for (let e = lo; e <= hi; e++) {
      for (const m of hi - lo <= 2 ? [1, 2, 5] : [1]) {
        const t = m * 10 ** e;
        if (t >= 10 ** lo && t <= 10 ** hi) ticks.push(Number(t.toPrecision(6)));
      }
    }
    return { toPx: (v) => px0 + ((Math.log10(v) - lo) / (hi - lo)) * (px1 - px0), ticks, log: true };
  }
  return linearAxis(Math.min(0, min), max, px0, px1);
}

function quality(e: MetricsEntry, metric: ScenarioReport['quality_metric']): number {
  return metric === 'judge_score' ? (e.judge_score ?? 0) : e.performance;
}

function shortName(name: string): string {
  const tail = name.split('/').pop() ?? name;
  return tail.length > 22 ? `${tail.slice(0, 21)}…` : tail;
}

/**
 * Inline SVG scatter of one scope: every single candidate (cost per query vs quality), their Pareto frontier, the
 * strategies (champion outlined), random, oracle, and a ring on the best single. Stable hooks for tests and styling:
 * `svg.pareto-plot[data-scenario]`, `.point-single`, `.point-strategy`, `.point-oracle`, `.point-random`,
 * `.marker-best-single`, `.pareto-frontier`, `.legend`, `.axis-label`.
 */
export function renderParetoPlot(
  scenario: ScenarioReport,
  scope: ScopeReport,
  scopeName = 'overall',
): string {
  const metric = scenario.quality_metric;
  const singles = Object.values(scope.singles);
  const strategies = Object.values(scope.strategies);
  const all = [...singles, ...strategies, scope.oracle, scope.random];
  const x = costAxis(
    all.map((e) => e.cost_usd),
    M.left,
    M.left + PW,
  );
  const qs = all.map((e) => quality(e, metric));
  const y = linearAxis(
    Math.max(0, Math.min(...qs) - 0.02),
    Math.min(1, Math.max(...qs) + 0.02),
    M.top + PH,
    M.top,
  );
  const px = (e: MetricsEntry) => x.toPx(e.cost_usd).toFixed(1);
  const py = (e: MetricsEntry) => y.toPx(quality(e, metric)).toFixed(1);
  const qLabel = metric === 'judge_score' ? 'mean judge score' : 'mean performance';
  const tip = (e: MetricsEntry, label: string) =>
    `<title>${escapeHtml(`${label}: ${formatUsd(e.cost_usd)}/query, ${qLabel} ${formatNumber(quality(e, metric))}, reward ${formatNumber(e.reward, 4)}`)}</title>`;
  const name = escapeHtml(scenario.scenario.name);
  const out: string[] = [];
  out.push(
    `<svg class="pareto-plot" data-scenario="${name}" data-scope="${escapeHtml(scopeName)}" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" role="img" aria-label="${escapeHtml(`cost versus ${qLabel}, scenario ${scenario.scenario.name}, ${scopeName}`)}">`,
  );
  out.push(
    `<rect class="plot-area" x="${M.left}" y="${M.top}" width="${PW}" height="${PH}" fill="#fbfbfd" stroke="#ccc"/>`,
  );
  // Axes and grid.
  out.push('<g class="axis axis-x">');
  for (const t of x.ticks) {
    const p = x.toPx(t).toFixed(1);
    out.push(`<line x1="${p}" x2="${p}" y1="${M.top}" y2="${M.top + PH}" stroke="#eee"/>`);
    out.push(
      `<text x="${p}" y="${M.top + PH + 16}" text-anchor="middle" font-size="11">${escapeHtml(`$${Number(t.toPrecision(3))}`)}</text>`,
    );
  }
  out.push(
    `<text class="axis-label" x="${M.left + PW / 2}" y="${H - 14}" text-anchor="middle" font-size="13">mean cost per query (USD${x.log ? ', log scale' : ''})</text></g>`,
  );
  out.push('<g class="axis axis-y">');
  for (const t of y.ticks) {
    const p = y.toPx(t).toFixed(1);
    out.push(`<line x1="${M.left}" x2="${M.left + PW}" y1="${p}" y2="${p}" stroke="#eee"/>`);
    out.push(
      `<text x="${M.left - 8}" y="${p}" text-anchor="end" dominant-baseline="middle" font-size="11">${formatNumber(t, 2)}</text>`,
    );
  }
  out.push(
    `<text class="axis-label" transform="translate(18 ${M.top + PH / 2}) rotate(-90)" text-anchor="middle" font-size="13">${qLabel}</text></g>`,
  );
  // Frontier line through the non-dominated singles, cheapest first.
  const frontier = scope.pareto_frontier.map((n) => scope.singles[n]).filter((e): e is MetricsEntry => !!e);
  if (frontier.length > 0) {
    out.push(
      `<polyline class="pareto-frontier" fill="none" stroke="#2b6cb0" stroke-width="2" stroke-dasharray="6 3" points="${frontier.map((e) => `${px(e)},${py(e)}`).join(' ')}"/>`,
    );
  }
  const onFrontier = new Set(scope.pareto_frontier);
  out.push('<g class="points">');
  for (const e of singles) {
    const front = onFrontier.has(e.name);
    out.push(
      `<circle class="point point-single${front ? ' on-frontier' : ''}" data-name="${escapeHtml(e.name)}" cx="${px(e)}" cy="${py(e)}" r="5" fill="${front ? '#2b6cb0' : '#8a94a6'}">${tip(e, e.name)}</circle>`,
    );
    out.push(
      `<text class="point-label" x="${(Number(px(e)) + 7).toFixed(1)}" y="${(Number(py(e)) - 6).toFixed(1)}" font-size="10" fill="#555">${escapeHtml(shortName(e.name))}</text>`,
    );
  }
  const best = scope.best_single.candidate ? scope.singles[scope.best_single.candidate] : undefined;
  if (best) {
    out.push(
      `<circle class="marker-best-single" data-name="${escapeHtml(best.name)}" cx="${px(best)}" cy="${py(best)}" r="10" fill="none" stroke="#805ad5" stroke-width="2.5">${tip(best, `best single (on train): ${best.name}`)}</circle>`,
    );
  }
  const r = scope.random;
  out.push(
    `<path class="point point-random" data-name="random" d="M${Number(px(r)) - 5},${Number(py(r)) - 5} l10,10 m0,-10 l-10,10" stroke="#718096" stroke-width="2.5">${tip(r, 'random')}</path>`,
  );
  for (const e of strategies) {
    const cx = Number(px(e));
    const cy = Number(py(e));
    const champion = e.name === scope.champion;
    out.push(
      `<path class="point point-strategy${champion ? ' champion' : ''}" data-name="${escapeHtml(e.name)}" d="M${cx},${cy - 8} L${cx + 8},${cy} L${cx},${cy + 8} L${cx - 8},${cy} Z" fill="#dd6b20" stroke="${champion ? '#c53030' : '#fff'}" stroke-width="${champion ? 3 : 1}">${tip(e, `${champion ? 'champion ' : ''}strategy ${e.name}`)}</path>`,
    );
    out.push(
      `<text class="point-label" x="${(cx + 10).toFixed(1)}" y="${(cy + 4).toFixed(1)}" font-size="11" font-weight="bold" fill="#9c4221">${escapeHtml(e.name)}</text>`,
    );
  }
  const o = scope.oracle;
  const ox = Number(px(o));
  const oy = Number(py(o));
  out.push(
    `<path class="point point-oracle" data-name="oracle" d="M${ox},${oy - 9} L${ox + 8},${oy + 6} L${ox - 8},${oy + 6} Z" fill="#38a169">${tip(o, 'oracle')}</path>`,
  );
  out.push('</g>');
  // Legend, to the right of the plot area.
  const lx = M.left + PW + 18;
  const items: [string, string][] = [
    ['single LLM', `<circle cx="8" cy="0" r="5" fill="#8a94a6"/>`],
    ['single on frontier', `<circle cx="8" cy="0" r="5" fill="#2b6cb0"/>`],
    [
      'Pareto frontier',
      `<line x1="0" x2="16" y1="0" y2="0" stroke="#2b6cb0" stroke-width="2" stroke-dasharray="6 3"/>`,
    ],
    ['best single (train)', `<circle cx="8" cy="0" r="8" fill="none" stroke="#805ad5" stroke-width="2.5"/>`],
    ['fusion strategy', `<path d="M8,-7 L15,0 L8,7 L1,0 Z" fill="#dd6b20"/>`],
    ['champion', `<path d="M8,-7 L15,0 L8,7 L1,0 Z" fill="#dd6b20" stroke="#c53030" stroke-width="3"/>`],
    ['oracle', `<path d="M8,-8 L15,5 L1,5 Z" fill="#38a169"/>`],
    ['random', `<path d="M3,-5 l10,10 m0,-10 l-10,10" stroke="#718096" stroke-width="2.5"/>`],
  ];
  out.push(`<g class="legend" transform="translate(${lx} ${M.top + 10})">`);
  items.forEach(([label, glyph], i) => {
    out.push(
      `<g class="legend-item" transform="translate(0 ${i * 22})">${glyph}<text x="24" y="0" dominant-baseline="middle" font-size="12">${escapeHtml(label)}</text></g>`,
    );
  });
  out.push('</g></svg>');
  return out.join('\n');
}
