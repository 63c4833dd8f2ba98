import { describe, expect, it } from 'vitest';
import type { StoredSample } from '../ports/routing-sample.store.port';
import { candidateMeansOf, rankBestSingle } from '../serving/best-single.fallback';
import { aggregateSamples, splitSamples } from './training-data';

const sample = (
  queryId: string,
  candidate: string,
  performance: number,
  split: 'train' | 'test' | null,
  task = 't',
): StoredSample => ({
  recordId: `${queryId}-${candidate}-${performance}`,
  queryId,
  taskName: task,
  taskDomain: 'math',
  query: `query ${queryId}`,
  candidate,
  performance,
  costUsd: 0.01,
  judgeScore: null,
  latencyMs: 100,
  split,
});

describe('training data', () => {
  it('averages records of the same (query, candidate) into one cell', () => {
    const cells = aggregateSamples([
      sample('q1', 'a', 1, 'train'),
      sample('q1', 'a', 0, null),
      sample('q1', 'b', 1, null),
    ]);
    expect(cells).toHaveLength(2);
    expect(cells.find((c) => c.candidate === 'a')).toMatchObject({
      performance: 0.5,
      records: 2,
      split: 'train',
    });
  });

  it('holds out the logged test split, and seeds a split when the log has none', () => {
    const logged = splitSamples(
      aggregateSamples([
        sample('q1', 'a', 1, 'train'),
        sample('q2', 'a', 1, 'test'),
        sample('q3', 'a', 0, 'train'),
      ]),
      1,
      0.2,
    );
    expect(logged.heldOut.map((c) => c.queryId)).toEqual(['q2']);
    const unsplit = aggregateSamples(Array.from({ length: 20 }, (_, i) => sample(`q${i}`, 'a', i % 2, null)));
    const a = splitSamples(unsplit, 1, 0.2);
    const b = splitSamples([...unsplit].reverse(), 1, 0.2);
    expect(a.heldOut).toHaveLength(4);
    expect(new Set(a.heldOut.map((c) => c.queryId))).toEqual(new Set(b.heldOut.map((c) => c.queryId)));
    expect(a.method).toMatch(/seeded by query id/);
    const allTrain = splitSamples(
      aggregateSamples(Array.from({ length: 10 }, (_, i) => sample(`q${i}`, 'a', 1, 'train'))),
      1,
      0.2,
    );
    expect(allTrain.heldOut).toHaveLength(2);
    expect(allTrain.method).toMatch(/no test split/);
  });

  it('refuses a single query (nothing to hold out) with FAILED_PRECONDITION', () => {
    expect(() => splitSamples(aggregateSamples([sample('q1', 'a', 1, null)]), 1, 0.2)).toThrow(
      /at least 2 distinct queries/,
    );
  });
});

describe('best single fallback', () => {
  const summary = {
    cells: [
      {
        taskName: 't',
        candidate: 'pro',
        perfSum: 2,
        perfCount: 2,
        costSum: 2,
        costCount: 2,
        latencySum: 0,
        latencyCount: 0,
      },
      {
        taskName: 't',
        candidate: 'mid',
        perfSum: 1,
        perfCount: 2,
        costSum: 0.2,
        costCount: 2,
        latencySum: 200,
        latencyCount: 2,
      },
      {
        taskName: 't',
        candidate: 'free',
        perfSum: 0,
        perfCount: 2,
        costSum: 0,
        costCount: 2,
        latencySum: 0,
        latencyCount: 0,
      },
    ],
    ranges: [{ taskName: 't', perfMin: 0, perfMax: 1, costMin: 0, costMax: 1 }],
  };

  it('ranks the best single model under the policy, reported as a fallback', () => {
    const means = candidateMeansOf(summary);
    expect(rankBestSingle(means, { scenario: 'performance_first' }).chosen.candidate).toBe('pro');
    const balance = rankBestSingle(means, {});
    expect(balance.chosen.candidate).toBe('mid');
    expect(balance.reason).toMatch(/^no trained router yet: mid is the best single model under balance/);
    expect(
      rankBestSingle(means, { allowed: ['pro', 'free'], scenario: 'performance_first' }).chosen.candidate,
    ).toBe('pro');
    expect(rankBestSingle(means, { allowed: ['pro', 'free'] }).chosen.candidate).toBe('free'); // a 0-0 tie goes to the cheaper
    expect(rankBestSingle(means, {}, { usable: (c) => c !== 'mid' }).excluded).toEqual([
      { candidate: 'mid', reason: 'not_allowed' },
    ]);
    expect(() => rankBestSingle(means, { allowed: ['gpt'] })).toThrow(/allowed\[0\]: unknown model 'gpt'/);
  });
});
