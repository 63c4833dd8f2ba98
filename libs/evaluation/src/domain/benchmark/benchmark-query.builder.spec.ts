import type { LogRecord, PromptMode, Split } from '@fusion/contracts';
import { DomainError, ErrorCode } from '@fusion/shared/kernel';
import { describe, expect, it } from 'vitest';
import { buildBenchmarkQueries } from './benchmark-query.builder';

let n = 0;
function rec(over: Partial<LogRecord> & { queryId: string; llm: string }): LogRecord {
  n += 1;
  return {
    recordId: `r${n}`,
    tenant: 't',
    taskName: 'task',
    taskDomain: 'general',
    query: `text of ${over.queryId}`,
    promptMode: 'direct',
    response: '',
    groundTruth: null,
    metric: null,
    performance: 1,
    judgeScore: null,
    inputTokens: null,
    outputTokens: null,
    inputPrice: null,
    outputPrice: null,
    costUsd: 0.001,
    latencyMs: null,
    split: null,
    createdAt: '2025-01-01T00:00:00Z',
    metadata: {},
    ...over,
  };
}

function queryRecords(queryId: string, split: Split | null, task = 'task'): LogRecord[] {
  return [
    rec({ queryId, llm: 'm1', split, taskName: task }),
    rec({ queryId, llm: 'm2', split, taskName: task, performance: 0 }),
  ];
}

function caught(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (e) {
    if (e instanceof DomainError) return e;
    throw e;
  }
  throw new Error('expected a DomainError');
}

describe('buildBenchmarkQueries', () => {
  it('groups by queryId, one outcome per candidate (think mode as llm:think), sorted', () => {
    const records = [
      rec({ queryId: 'b', llm: 'm1', split: 'test' }),
      rec({ queryId: 'a', llm: 'm2', split: 'train', performance: 0.5, costUsd: 0.002, judgeScore: 0.6 }),
      rec({
        queryId: 'a',
        llm: 'm2',
        promptMode: 'think' as PromptMode,
        split: 'train',
        query: 'think prompt',
      }),
      rec({ queryId: 'a', llm: 'm1', split: 'train' }),
    ];
    const ds = buildBenchmarkQueries(records);
    expect(ds.split).toEqual({ source: 'records', seed: null, testFraction: null });
    expect(ds.candidates).toEqual(['m1', 'm2', 'm2:think']);
    expect(ds.queries.map((q) => [q.queryId, q.split])).toEqual([
      ['a', 'train'],
      ['b', 'test'],
    ]);
    const a = ds.queries[0];
    expect(a?.query).toBe('text of a'); // the direct prompt, not the think one
    expect(a?.outcomes).toEqual([
      { candidate: 'm1', performance: 1, costUsd: 0.001, judgeScore: null },
      { candidate: 'm2', performance: 0.5, costUsd: 0.002, judgeScore: 0.6 },
      { candidate: 'm2:think', performance: 1, costUsd: 0.001, judgeScore: null },
    ]);
  });

  it('without any test split and no seed: FAILED_PRECONDITION that says how to supply one', () => {
    const records = [
      ...queryRecords('q1', 'train'),
      ...queryRecords('q2', 'train'),
      ...queryRecords('q3', null),
    ];
    const err = caught(() => buildBenchmarkQueries(records));
    expect(err.code).toBe(ErrorCode.FailedPrecondition);
    expect(err.message).toMatch(
      /no usable train\/test split \(3 queries: 0 marked test, 2 train, 1 unmarked\)/,
    );
    expect(err.message).toMatch(/set split \('train' \| 'test'\) on every log record/);
    expect(err.message).toMatch(/--seed/);
    expect(err.details).toEqual({ train: 2, test: 0, none: 1 });
  });

  it('with a seed: a seeded, stratified split by query id, independent of record order', () => {
    const records = [
      ...Array.from({ length: 10 }, (_, i) => queryRecords(`x${i}`, null, 'X')).flat(),
      ...Array.from({ length: 5 }, (_, i) => queryRecords(`y${i}`, null, 'Y')).flat(),
    ];
    const ds = buildBenchmarkQueries(records, { seed: 42, testFraction: 0.3 });
    expect(ds.split).toEqual({ source: 'seeded', seed: 42, testFraction: 0.3 });
    const tests = (task: string) =>
      ds.queries.filter((q) => q.taskName === task && q.split === 'test').length;
    expect(tests('X')).toBe(3); // round(10 * 0.3)
    expect(tests('Y')).toBe(2); // round(5 * 0.3) = 2 (1.5 rounds up)
    const again = buildBenchmarkQueries([...records].reverse(), { seed: 42, testFraction: 0.3 });
    expect(again.queries.map((q) => `${q.queryId}:${q.split}`)).toEqual(
      ds.queries.map((q) => `${q.queryId}:${q.split}`),
    );
    const other = buildBenchmarkQueries(records, { seed: 43, testFraction: 0.3 });
    expect(other.queries.map((q) => q.split)).not.toEqual(ds.queries.map((q) => q.split));
  });

  it('uses record splits when usable, and resplits only when asked (with a seed)', () => {
    const records = Array.from({ length: 6 }, (_, i) =>
      queryRecords(`q${i}`, i < 3 ? 'train' : 'test'),
    ).flat();
    expect(buildBenchmarkQueries(records, { seed: 1 }).split.source).toBe('records');
    expect(buildBenchmarkQueries(records, { seed: 1, resplit: true }).split.source).toBe('seeded');
    const err = caught(() => buildBenchmarkQueries(records, { resplit: true }));
    expect(err.code).toBe(ErrorCode.FailedPrecondition);
    expect(err.message).toMatch(/resplit was asked for but no seed/);
  });

  it('names the record and field of bad input', () => {
    const records = [
      rec({ queryId: 'q', llm: 'm1', split: 'train' }),
      rec({ queryId: 'q', llm: 'm2', split: 'test' }),
      rec({ queryId: 'q', llm: 'm3', performance: Number.NaN }),
      rec({ queryId: 'q', llm: 'm4', costUsd: -1 }),
      rec({ queryId: 'q', llm: 'm5', taskName: 'other' }),
      rec({ queryId: '', llm: 'm1' }),
    ];
    const err = caught(() => buildBenchmarkQueries(records));
    expect(err.code).toBe(ErrorCode.InvalidArgument);
    const fields = err.violations.map((v) => v.field);
    expect(fields).toEqual(
      expect.arrayContaining([
        'records[1].split',
        'records[2].performance',
        'records[3].costUsd',
        'records[4].taskName',
        'records[5].queryId',
      ]),
    );
    expect(err.violations.find((v) => v.field === 'records[1].split')?.reason).toMatch(
      /'train' in records\[0\]/,
    );
  });

  it('counts duplicate and conflicting outcomes instead of dropping them silently', () => {
    const first = rec({ queryId: 'q', llm: 'm1', split: 'train' });
    const records = [
      first,
      { ...first }, // the same record re-sent
      rec({ queryId: 'q', llm: 'm1', split: 'train', performance: 0 }), // a second answer for the same candidate
      ...queryRecords('t', 'test'),
    ];
    const ds = buildBenchmarkQueries(records);
    expect(ds.issues).toEqual({ conflicting_outcome_kept_first: 1, duplicate_record: 1 });
    expect(ds.queries.find((q) => q.queryId === 'q')?.outcomes).toEqual([
      { candidate: 'm1', performance: 1, costUsd: 0.001, judgeScore: null },
    ]);
  });

  it('rejects no records and a bad test fraction', () => {
    expect(caught(() => buildBenchmarkQueries([])).violations[0]?.field).toBe('records');
    expect(
      caught(() => buildBenchmarkQueries(queryRecords('q', null), { seed: 1, testFraction: 1 })).violations[0]
        ?.field,
    ).toBe('testFraction');
  });
});
