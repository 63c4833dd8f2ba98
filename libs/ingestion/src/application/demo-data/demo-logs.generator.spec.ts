import { candidateOf, type LogRecord } from '@fusion/contracts';
import { DomainError } from '@fusion/shared/kernel';
import { describe, expect, it } from 'vitest';
import { validateLogRecord } from '../../domain/log-record.validator';
import { DEMO_MODELS, DEMO_TASKS } from './demo-catalog';
import { demoSuccessProbability, generateDemoLogs } from './demo-logs.generator';

function bestByTask(records: readonly LogRecord[]): Map<string, string> {
  const sums = new Map<string, Map<string, { sum: number; n: number }>>();
  for (const r of records) {
    const byCandidate = sums.get(r.taskName) ?? new Map<string, { sum: number; n: number }>();
    sums.set(r.taskName, byCandidate);
    const c = candidateOf(r.llm, r.promptMode);
    const acc = byCandidate.get(c) ?? { sum: 0, n: 0 };
    acc.sum += r.performance ?? 0;
    acc.n += 1;
    byCandidate.set(c, acc);
  }
  const best = new Map<string, string>();
  for (const [task, byCandidate] of sums) {
    const ranked = [...byCandidate.entries()].sort(
      ([a, x], [b, y]) => y.sum / y.n - x.sum / x.n || a.localeCompare(b),
    );
    best.set(task, ranked[0]?.[0] ?? '');
  }
  return best;
}

describe('generateDemoLogs', () => {
  it('is deterministic for a seed and differs across seeds', () => {
    const a = generateDemoLogs({ seed: 11, queries: 48 });
    const b = generateDemoLogs({ seed: 11, queries: 48 });
    const c = generateDemoLogs({ seed: 12, queries: 48 });
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    expect(JSON.stringify(c.records)).not.toBe(JSON.stringify(a.records));
  });

  it('answers every query with every model in both prompt modes, six domains x two tasks', () => {
    const demo = generateDemoLogs({ queries: 60 });
    expect(demo.queries).toBe(60);
    expect(demo.tasks).toHaveLength(12);
    expect(new Set(DEMO_TASKS.map((t) => t.domain)).size).toBe(6);
    expect(demo.candidates).toHaveLength(DEMO_MODELS.length * 2);
    expect(demo.records).toHaveLength(60 * DEMO_MODELS.length * 2);
    const perQuery = new Map<string, Set<string>>();
    for (const r of demo.records) {
      const set = perQuery.get(r.queryId) ?? new Set<string>();
      set.add(candidateOf(r.llm, r.promptMode));
      perQuery.set(r.queryId, set);
    }
    expect(perQuery.size).toBe(60);
    for (const set of perQuery.values()) expect(set.size).toBe(DEMO_MODELS.length * 2);
    expect(new Set(demo.records.map((r) => r.recordId)).size).toBe(demo.records.length);
  });

  it('marks everything synthetic: task names, queries, responses and metadata', () => {
    for (const r of generateDemoLogs({ queries: 24 }).records) {
      expect(r.taskName).toMatch(/^synthetic_/);
      expect(r.query).toMatch(/^\[synthetic #\d+\]/);
      expect(r.response).toMatch(/^\[synthetic stub\]/);
      expect(r.metadata['synthetic']).toBe(true);
    }
  });

  it('splits each task into train and test, the same split for every record of a query', () => {
    const demo = generateDemoLogs({ queries: 120, testFraction: 0.25 });
    const splitOf = new Map<string, string>();
    for (const r of demo.records) {
      expect(splitOf.get(r.queryId) ?? r.split).toBe(r.split);
      splitOf.set(r.queryId, r.split ?? 'none');
    }
    for (const task of demo.tasks) {
      const ids = new Set(demo.records.filter((r) => r.taskName === task).map((r) => r.queryId));
      const test = [...ids].filter((id) => splitOf.get(id) === 'test').length;
      expect(test).toBeGreaterThanOrEqual(1);
      expect(test).toBeLessThan(ids.size);
    }
  });

  it('produces records that pass the log-record validator unchanged', () => {
    const demo = generateDemoLogs({ queries: 36 });
    for (const record of demo.records) {
      const result = validateLogRecord(record);
      expect(result.ok ? null : result.violations).toBeNull();
      if (result.ok) expect(result.record).toEqual(record);
    }
  });

  it('costs each record at its real list price, and think mode spends more output tokens', () => {
    const demo = generateDemoLogs({ queries: 24 });
    for (const r of demo.records) {
      const model = DEMO_MODELS.find((m) => m.llm === r.llm);
      expect([r.inputPrice, r.outputPrice]).toEqual([model?.inputPrice, model?.outputPrice]);
      const expected =
        ((r.inputTokens ?? 0) * (r.inputPrice ?? 0) + (r.outputTokens ?? 0) * (r.outputPrice ?? 0)) / 1e6;
      expect(r.costUsd).toBeCloseTo(expected, 15);
    }
    const mean = (mode: string) => {
      const rs = demo.records.filter((r) => r.promptMode === mode);
      return rs.reduce((s, r) => s + (r.outputTokens ?? 0), 0) / rs.length;
    };
    expect(mean('think')).toBeGreaterThan(2 * mean('direct'));
  });

  it('carries the ground truth in right responses only', () => {
    const demo = generateDemoLogs({ queries: 48 });
    const shortAnswers = demo.records.filter(
      (r) => r.metric === 'cem' && r.groundTruth !== 'True' && r.groundTruth !== 'False',
    );
    expect(shortAnswers.length).toBeGreaterThan(0);
    for (const r of shortAnswers) expect(r.response.includes(r.groundTruth ?? '?')).toBe(r.performance === 1);
    for (const r of demo.records.filter((x) => x.metric === 'em_mc'))
      expect(r.response.includes(`(${r.groundTruth})`)).toBe(r.performance === 1);
  });

  it('has different models leading different tasks, whatever the seed', () => {
    for (const seed of [1, 2, 3]) {
      const best = bestByTask(generateDemoLogs({ seed, queries: 960 }).records);
      const leaders = new Set([...best.values()].map((c) => c.replace(/:think$/, '')));
      expect(leaders.size).toBeGreaterThanOrEqual(2);
    }
  });

  it('lets cheap models answer easy queries but not hard ones', () => {
    const cheap = DEMO_MODELS.find((m) => m.llm === 'llama-3.1-8b-instruct');
    const strong = DEMO_MODELS.find((m) => m.llm === 'gpt-4o');
    const task = DEMO_TASKS.find((t) => t.domain === 'math');
    if (!cheap || !strong || !task) throw new Error('demo catalog lost a default model or task');
    expect(demoSuccessProbability(cheap, task, 0.1, 'direct')).toBeGreaterThan(0.8);
    expect(demoSuccessProbability(cheap, task, 0.9, 'direct')).toBeLessThan(0.1);
    expect(demoSuccessProbability(strong, task, 0.9, 'direct')).toBeGreaterThan(0.5);
    expect(demoSuccessProbability(strong, task, 0.9, 'think')).toBeGreaterThan(
      demoSuccessProbability(strong, task, 0.9, 'direct'),
    );
  });

  it('rejects bad sizes naming the field', () => {
    expect(() => generateDemoLogs({ queries: 3 })).toThrow(DomainError);
    expect(() => generateDemoLogs({ queries: 3 })).toThrow(/queries/);
    expect(() => generateDemoLogs({ testFraction: 1 })).toThrow(/testFraction/);
    expect(() => generateDemoLogs({ seed: 1.5 })).toThrow(/seed/);
  });
});
