import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBenchmark } from '../../application/benchmark/run-benchmark.handler';
import { loadRouterBenchRecords } from '../../application/benchmark/testing/routerbench-csv.fixture';
import {
  alwaysCheapestTrainer,
  perTaskBestTrainer,
} from '../../application/benchmark/testing/tiny-trainers.fixture';
import { buildBenchmarkQueries } from '../../domain/benchmark/benchmark-query.builder';
import type { BenchmarkReport } from '../../domain/benchmark/benchmark-report';
import { FileBenchmarkReportWriter } from './report-files.writer';

const OUT = resolve(process.cwd(), 'tmp/benchmark-report-browser');
const CHROMIUM = '/usr/bin/chromium';
interface Seen {
  w: number;
  h: number;
  shown: boolean;
}
interface PlotInfo {
  scenario: string | null;
  box: Seen;
  singles: (Seen & { name: string | null })[];
  parts: Record<string, Seen[]>;
  strategies: number;
  bestSingle: string | null;
  axisLabels: (string | null)[];
}
const COLLECT_PLOTS = `(() => {
  const seen = (el) => {
    const r = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    return { w: r.width, h: r.height, shown: style.visibility !== 'hidden' && style.display !== 'none' };
  };
  return [...document.querySelectorAll('svg.pareto-plot')].map((svg) => {
    const all = (sel) => [...svg.querySelectorAll(sel)];
    return {
      scenario: svg.getAttribute('data-scenario'),
      box: seen(svg),
      singles: all('.point-single').map((e) => ({ name: e.getAttribute('data-name'), ...seen(e) })),
      parts: Object.fromEntries(
        ['.pareto-frontier', '.point-oracle', '.point-random', '.marker-best-single', '.legend'].map((sel) => [sel, all(sel).map(seen)]),
      ),
      strategies: all('.point-strategy').length,
      bestSingle: svg.querySelector('.marker-best-single')?.getAttribute('data-name') ?? null,
      axisLabels: all('.axis-label').map((e) => e.textContent),
    };
  });
})()`;
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

// Renders the real RouterBench report in Debian's headless Chromium and checks the plots are really drawn.
describe('report.html in headless Chromium (RouterBench data)', () => {
  let report: BenchmarkReport;
  let browser: Browser;
  let page: Page;
  const requests: string[] = [];

  beforeAll(async () => {
    expect(existsSync(CHROMIUM), `${CHROMIUM} is needed for this test`).toBe(true);
    const ds = buildBenchmarkQueries(loadRouterBenchRecords());
    report = await runBenchmark({
      queries: ds.queries,
      trainers: [perTaskBestTrainer(), alwaysCheapestTrainer()],
      dataset: { name: 'routerbench-routerdc', split: ds.split, issues: ds.issues },
    });
    mkdirSync(OUT, { recursive: true });
    const written = await new FileBenchmarkReportWriter().write(report, OUT);
    expect(JSON.parse(readFileSync(written.jsonPath, 'utf8')).schema_version).toBe(1);
    // launch() starts from a fresh, empty temporary profile each time.
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(pathToFileURL(written.htmlPath).href, { waitUntil: 'load' });
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('loads nothing but the file itself', () => {
    expect(requests.length).toBeGreaterThan(0);
    expect(requests.filter((u) => !u.startsWith('file:') && !u.startsWith('data:'))).toEqual([]);
  });

  it('takes a non-empty PNG screenshot of the page and of a plot', async () => {
    const pagePng = resolve(OUT, 'report.png');
    const plotPng = resolve(OUT, 'plot-balance.png');
    await page.screenshot({ path: pagePng });
    await page.locator('svg.pareto-plot[data-scenario="balance"]').screenshot({ path: plotPng });
    for (const file of [pagePng, plotPng]) {
      expect(statSync(file).size).toBeGreaterThan(1000);
      expect(readFileSync(file).subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
    }
  });

  it('shows a visible plot per scenario with one point per candidate', async () => {
    const scenarios = Object.keys(report.scenarios);
    // One round trip: what every plot draws, with each element's rendered size and visibility. A string, because
    // this code runs in the page and the repo's TypeScript has no DOM types.
    const plots = await page.evaluate<PlotInfo[]>(COLLECT_PLOTS);
    expect(plots.map((p) => p.scenario)).toEqual(scenarios);
    for (const plot of plots) {
      const name = plot.scenario ?? '';
      expect(await page.locator(`svg.pareto-plot[data-scenario="${name}"]`).isVisible()).toBe(true);
      expect(plot.box.w).toBeGreaterThan(100);
      expect(plot.box.h).toBeGreaterThan(100);
      expect(plot.singles).toHaveLength(report.dataset.candidates.length);
      expect(plot.singles.map((p) => p.name).sort()).toEqual([...report.dataset.candidates].sort());
      for (const p of plot.singles) expect(p.w > 0 && p.h > 0 && p.shown, `${name} ${p.name}`).toBe(true);
      for (const [sel, found] of Object.entries(plot.parts)) {
        expect(found, `${name} ${sel}`).toHaveLength(1);
        expect((found[0]?.w ?? 0) + (found[0]?.h ?? 0), `${name} ${sel}`).toBeGreaterThan(0);
        expect(found[0]?.shown, `${name} ${sel}`).toBe(true);
      }
      expect(plot.strategies).toBe(2);
      expect(plot.bestSingle).toBe(report.scenarios[name]?.overall.best_single.candidate);
      expect(plot.axisLabels).toEqual(['mean cost per query (USD, log scale)', 'mean performance']);
    }
  });

  it('shows the per-task tables', async () => {
    for (const task of ['arc-challenge', 'mbpp', 'winogrande']) {
      const t = page.locator(`table.metrics-table[data-scenario="balance"][data-scope="${task}"]`);
      expect(await t.count()).toBe(1);
      expect(await t.locator('tbody tr').count()).toBe(2 + 3 + report.dataset.candidates.length);
    }
  });
});
