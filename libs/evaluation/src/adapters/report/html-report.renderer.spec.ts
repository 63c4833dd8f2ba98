import { beforeAll, describe, expect, it } from 'vitest';
import { runBenchmark } from '../../application/benchmark/run-benchmark.handler';
import {
  SAMPLE_CANDIDATES,
  sampleQueries,
  sampleReport,
} from '../../application/benchmark/testing/sample-report.fixture';
import { fixedTrainer } from '../../application/benchmark/testing/tiny-trainers.fixture';
import type { BenchmarkReport } from '../../domain/benchmark/benchmark-report';
import { renderBenchmarkHtml } from './html-report.renderer';

function count(html: string, re: RegExp): number {
  return html.match(new RegExp(re.source, 'g'))?.length ?? 0;
}

function plotOf(html: string, scenario: string): string {
  const start = html.indexOf(`<svg class="pareto-plot" data-scenario="${scenario}"`);
  expect(start, scenario).toBeGreaterThanOrEqual(0);
  return html.slice(start, html.indexOf('</svg>', start));
}

describe('renderBenchmarkHtml', () => {
  let report: BenchmarkReport;
  let html: string;

  beforeAll(async () => {
    report = await sampleReport();
    html = renderBenchmarkHtml(report);
  });

  it('is one self-contained document: no scripts, links, external URLs or imports', () => {
    expect(html.startsWith('<!doctype html>')).toBe(true);
    for (const forbidden of [
      /<script/i,
      /<link/i,
      /\ssrc=/i,
      /url\(/i,
      /https?:\/\//i,
      /@import/i,
      /<iframe/i,
    ]) {
      expect(html).not.toMatch(forbidden);
    }
  });

  it('draws one plot per scenario, with a point per candidate and the frontier, strategies, oracle and best single', () => {
    expect(count(html, /<svg class="pareto-plot"/)).toBe(Object.keys(report.scenarios).length);
    for (const [name, s] of Object.entries(report.scenarios)) {
      const svg = plotOf(html, name);
      expect(count(svg, /class="point point-single/)).toBe(SAMPLE_CANDIDATES.length);
      expect(count(svg, /class="point point-strategy/)).toBe(2);
      expect(count(svg, /class="point point-strategy champion"/)).toBe(1);
      expect(count(svg, /class="point point-oracle"/)).toBe(1);
      expect(count(svg, /class="point point-random"/)).toBe(1);
      expect(svg).toContain(`class="marker-best-single" data-name="${s.overall.best_single.candidate}"`);
      const points = /<polyline class="pareto-frontier"[^>]* points="([^"]*)"/.exec(svg)?.[1] ?? '';
      expect(points.split(' ')).toHaveLength(s.overall.pareto_frontier.length);
      expect(count(svg, /class="point point-single on-frontier"/)).toBe(s.overall.pareto_frontier.length);
      expect(count(svg, /class="axis-label"/)).toBe(2);
      expect(svg).toContain('class="legend"');
    }
    expect(plotOf(html, 'judge')).toContain('mean judge score');
  });

  it('has an overall and a per-task table per scenario, with the cost-saved sentence', () => {
    for (const name of Object.keys(report.scenarios)) {
      for (const scope of ['overall', 'math', 'qa']) {
        expect(html).toContain(`<table class="metrics-table" data-scenario="${name}" data-scope="${scope}">`);
      }
    }
    expect(count(html, /<p class="cost-saved">/)).toBe(Object.keys(report.scenarios).length * 3);
  });

  it('escapes names', async () => {
    const nasty = await runBenchmark({
      queries: sampleQueries(),
      trainers: [fixedTrainer('<img src=x onerror=alert(1)>', () => 'mid')],
      scenarios: ['balance'],
      validationFraction: 0.25,
    });
    const out = renderBenchmarkHtml(nasty);
    expect(out).not.toContain('<img');
    expect(out).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });
});
