import { beforeAll, describe, expect, it } from 'vitest';
import { sampleReport } from '../../application/benchmark/testing/sample-report.fixture';
import type { BenchmarkReport } from '../../domain/benchmark/benchmark-report';
import { renderBenchmarkConsoleTable } from './console-table.renderer';

describe('renderBenchmarkConsoleTable', () => {
  let report: BenchmarkReport;
  let text: string;

  beforeAll(async () => {
    report = await sampleReport();
    text = renderBenchmarkConsoleTable(report);
  });

  function tableAfter(heading: string, scenario = 'balance'): string[] {
    const all = text.split('\n');
    const lines = all.slice(all.findIndex((l) => l.startsWith(`=== ${scenario} `)));
    const start = lines.findIndex((l) => l.startsWith(heading));
    expect(start, heading).toBeGreaterThanOrEqual(0);
    const end = lines.findIndex((l, i) => i > start && l.startsWith('cost saved:'));
    return lines.slice(start + 1, end);
  }

  it('prints per scenario an overall table and one per task', () => {
    for (const s of [
      'performance_first (alpha 1, beta 0)',
      'balance (alpha 0.5, beta 0.5)',
      'judge (reward = judge score)',
    ]) {
      expect(text).toContain(`=== ${s} ===`);
    }
    expect(text).toContain('--- overall (8 test queries) ---');
    expect(text).toContain('--- task math (4 test queries) ---');
    expect(text).toContain('--- task qa (4 test queries) ---');
  });

  it('has a row per strategy and baseline with perf, cost, reward and gap closed, aligned', () => {
    const rows = tableAfter('--- overall (8 test queries) ---');
    const [header, rule, ...body] = rows;
    expect(header).toMatch(/^row +perf +cost USD\/query +reward +gap closed +note$/);
    expect(body.map((r) => r.split(/\s{2,}/)[0])).toEqual([
      'per_task_best',
      'always_cheapest',
      'best single: mid',
      'random',
      'oracle',
      ...Object.values(report.scenarios.balance?.overall.singles ?? {})
        .sort((a, b) => b.reward - a.reward)
        .map((e) => `single: ${e.name}`),
    ]);
    // Right-aligned numbers end in the same column as their header.
    const rewardEnd = (header ?? '').indexOf('reward') + 'reward'.length;
    for (const r of body) expect(r.slice(rewardEnd - 6, rewardEnd)).toMatch(/^-?\d\.\d{4}$/);
    expect(rule).toMatch(/^-+ {2}-+/);
    const bal = report.scenarios.balance?.overall;
    const oracleRow = body.find((r) => r.startsWith('oracle')) ?? '';
    expect(oracleRow).toContain(bal?.oracle.reward.toFixed(4));
    expect(oracleRow).toContain('100.0%');
    expect(body.find((r) => r.startsWith('best single'))).toContain('0.0%');
  });

  it('notes the champion, the frontier and the cost saved', () => {
    const bal = report.scenarios.balance?.overall;
    const rows = tableAfter('--- overall (8 test queries) ---');
    expect(rows.find((r) => r.startsWith(bal?.champion ?? '?'))).toMatch(/champion$/);
    expect(bal?.pareto_frontier.length).toBeGreaterThan(0);
    for (const name of bal?.pareto_frontier ?? []) {
      expect(rows.find((r) => r.startsWith(`single: ${name} `))).toMatch(/pareto/);
    }
    expect(text).toMatch(
      /cost saved: champion per_task_best \$[\d.]+\/query vs best single mid \$[\d.]+\/query \(80\.0% less\)/,
    );
  });

  it('prints "-" where gap closed is undefined (the best single already matches the oracle)', () => {
    const pf = report.scenarios.performance_first?.overall;
    expect(pf?.best_single.reward).toBe(pf?.oracle.reward); // big is always right
    const rows = tableAfter('--- overall (8 test queries) ---', 'performance_first');
    expect(rows.find((r) => r.startsWith('oracle'))).toMatch(/ -$/);
    expect(rows.find((r) => r.startsWith('best single: big'))).toMatch(/ -$/);
  });

  it('can show one scenario without tasks and singles', () => {
    const short = renderBenchmarkConsoleTable(report, {
      scenarios: ['balance'],
      tasks: false,
      singles: false,
    });
    expect(short).not.toContain('--- task');
    expect(short).not.toMatch(/^single: /m);
    expect(short).not.toContain('=== performance_first');
    expect(
      short.split('\n').filter((l) => /^(per_task_best|always_cheapest|best single|random|oracle)/.test(l)),
    ).toHaveLength(5);
  });
});
