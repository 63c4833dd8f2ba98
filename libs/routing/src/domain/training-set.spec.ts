import { describe, expect, it } from 'vitest';
import {
  buildTrainingSet,
  minMax,
  scoreWithStats,
  splitQueryIndices,
  subsetTrainingSet,
  withJudgeObjective,
  type RoutingSample,
} from './training-set';

const sample = (over: Partial<RoutingSample>): RoutingSample => ({
  queryId: 'q1',
  taskName: 'math',
  taskDomain: 'math',
  query: 'what is 2+2',
  candidate: 'a',
  performance: 1,
  costUsd: 0.01,
  judgeScore: null,
  ...over,
});

const vectors = new Map([
  ['q1', Float32Array.from([3, 4])],
  ['q2', Float32Array.from([1, 0])],
  ['q3', Float32Array.from([0, 2])],
]);
const embeddingOf = (id: string): Float32Array | undefined => vectors.get(id);

function violationsOf(fn: () => unknown): { field: string; reason: string }[] {
  try {
    fn();
  } catch (e) {
    expect(e).toMatchObject({ code: 'INVALID_ARGUMENT' });
    return (e as { violations: { field: string; reason: string }[] }).violations;
  }
  throw new Error('expected an error');
}

describe('buildTrainingSet', () => {
  it('given samples in any order, when built, then queries, tasks and candidates are sorted and missing cells are NaN', () => {
    const set = buildTrainingSet(
      [
        sample({ queryId: 'q2', candidate: 'b', performance: 0, costUsd: 0.5 }),
        sample({ queryId: 'q1', candidate: 'a', performance: 1, costUsd: 0.1, judgeScore: 0.8 }),
        sample({ queryId: 'q1', candidate: 'b', performance: null, costUsd: 0.4, latencyMs: 900 }),
        sample({ queryId: 'q3', taskName: 'code', candidate: 'a', performance: 0.5, costUsd: null }),
      ],
      embeddingOf,
    );
    expect(set.queryIds).toEqual(['q1', 'q2', 'q3']);
    expect(set.tasks).toEqual(['code', 'math']);
    expect(set.candidates).toEqual(['a', 'b']);
    expect([...set.queryTask]).toEqual([1, 1, 0]);
    expect([...set.performance]).toEqual([1, NaN, NaN, 0, 0.5, NaN]);
    expect([...set.costUsd].map((x) => (Number.isNaN(x) ? null : Number(x.toFixed(4))))).toEqual([
      0.1,
      0.4,
      null,
      0.5,
      null,
      null,
    ]);
    expect(set.judgeScore[0]).toBeCloseTo(0.8);
    expect(set.latencyMs[1]).toBe(900);
    // embeddings are unit rows: (3,4) -> (0.6, 0.8)
    expect(set.embeddings[0]).toBeCloseTo(0.6);
    expect(set.embeddings[1]).toBeCloseTo(0.8);
  });

  it('given two tasks, then min-max stats are per task over every logged cell, and a constant task has zero range', () => {
    const set = buildTrainingSet(
      [
        sample({ queryId: 'q1', candidate: 'a', performance: 0.2, costUsd: 1 }),
        sample({ queryId: 'q2', candidate: 'b', performance: 0.8, costUsd: 3 }),
        sample({ queryId: 'q3', taskName: 'code', candidate: 'a', performance: 0.5, costUsd: 2 }),
        sample({ queryId: 'q3', taskName: 'code', candidate: 'b', performance: 0.5, costUsd: 2 }),
      ],
      embeddingOf,
    );
    const [code, math] = set.stats;
    // values are stored as float32
    expect(math).toMatchObject({
      task: 'math',
      perfMin: expect.closeTo(0.2, 6),
      perfMax: expect.closeTo(0.8, 6),
      costMin: 1,
      costMax: 3,
    });
    expect(code).toMatchObject({ task: 'code', perfMin: 0.5, perfMax: 0.5, costMin: 2, costMax: 2 });
    expect(scoreWithStats(code!, 0.5, 2, 0.5, 0.5)).toBe(0);
    expect(scoreWithStats(math!, 0.8, 1, 0.5, 0.5)).toBeCloseTo(0.5);
    expect(minMax(5, 1, 1)).toBe(0);
  });

  it.each([
    [{ performance: 1.5 }, 'samples[0].performance'],
    [{ performance: Number.NaN }, 'samples[0].performance'],
    [{ judgeScore: -0.1 }, 'samples[0].judgeScore'],
    [{ costUsd: -1 }, 'samples[0].costUsd'],
    [{ latencyMs: Number.POSITIVE_INFINITY }, 'samples[0].latencyMs'],
    [{ queryId: '' }, 'samples[0].queryId'],
    [{ candidate: '' }, 'samples[0].candidate'],
    [{ taskName: undefined as unknown as string }, 'samples[0].taskName'],
  ])('given a bad sample %o, then INVALID_ARGUMENT names %s', (over, field) => {
    expect(violationsOf(() => buildTrainingSet([sample(over)], embeddingOf)).map((v) => v.field)).toContain(
      field,
    );
  });

  it('given a duplicate outcome, a task conflict or a missing embedding, then the error names the sample', () => {
    const dup = violationsOf(() => buildTrainingSet([sample({}), sample({ performance: 0 })], embeddingOf));
    expect(dup).toEqual([
      {
        field: 'samples[1]',
        reason: expect.stringMatching(
          /duplicate outcome for query q1 and candidate a \(first at samples\[0\]\)/,
        ),
      },
    ]);
    const conflict = violationsOf(() =>
      buildTrainingSet([sample({}), sample({ candidate: 'b', taskName: 'code' })], embeddingOf),
    );
    expect(conflict[0]).toMatchObject({
      field: 'samples[1].taskName',
      reason: expect.stringMatching(/is task 'math'/),
    });
    const missing = violationsOf(() => buildTrainingSet([sample({ queryId: 'nope' })], embeddingOf));
    expect(missing[0]).toMatchObject({ field: 'samples[0].queryId', reason: 'no embedding for query nope' });
    expect(violationsOf(() => buildTrainingSet([], embeddingOf))[0]!.field).toBe('samples');
  });

  it('given embeddings of different sizes, then the error names the query', () => {
    const bad = violationsOf(() =>
      buildTrainingSet([sample({}), sample({ queryId: 'q9' })], (id) =>
        id === 'q9' ? new Float32Array(3) : vectors.get(id),
      ),
    );
    expect(bad[0]).toMatchObject({
      field: 'samples[1].queryId',
      reason: expect.stringMatching(/3 dims, expected 2/),
    });
  });

  it('given descriptors of different lengths, then the error names the candidate', () => {
    expect(() =>
      buildTrainingSet([sample({}), sample({ candidate: 'b' })], embeddingOf, {
        descriptors: new Map([
          ['a', new Float32Array(2)],
          ['b', new Float32Array(3)],
        ]),
      }),
    ).toThrow(/descriptors\[b\]: expected 2 values, got 3/);
  });
});

describe('splits and views', () => {
  const many: RoutingSample[] = [];
  const vecs = new Map<string, Float32Array>();
  for (let i = 0; i < 40; i++) {
    const id = `q${String(i).padStart(2, '0')}`;
    vecs.set(id, Float32Array.from([1, i]));
    many.push(
      sample({ queryId: id, taskName: i < 30 ? 'big' : 'small', performance: i % 2, judgeScore: 0.5 }),
    );
  }
  const set = buildTrainingSet(many, (id) => vecs.get(id));

  it('given a fraction, when split, then each task keeps about that share for validation, seeded and disjoint', () => {
    const a = splitQueryIndices(set, 0.2, 3);
    expect(a).toEqual(splitQueryIndices(set, 0.2, 3));
    expect(a).not.toEqual(splitQueryIndices(set, 0.2, 4));
    const taskOf = (q: number): string => set.tasks[set.queryTask[q]!]!;
    expect(a.validation.filter((q) => taskOf(q) === 'big')).toHaveLength(6);
    expect(a.validation.filter((q) => taskOf(q) === 'small')).toHaveLength(2);
    expect(new Set([...a.train, ...a.validation]).size).toBe(40);
  });

  it('given a subset, then its stats are recomputed on its rows', () => {
    const odd = subsetTrainingSet(set, [1, 3, 5]);
    expect(odd.queryIds).toEqual(['q01', 'q03', 'q05']);
    expect(odd.stats.find((s) => s.task === 'big')).toMatchObject({ perfMin: 1, perfMax: 1 });
  });

  it('given the judge objective, then judge scores become the target with their own stats', () => {
    const judged = withJudgeObjective(set);
    expect(judged.performance[0]).toBeCloseTo(0.5);
    expect(judged.stats[0]).toMatchObject({ perfMin: 0.5, perfMax: 0.5 });
  });
});
