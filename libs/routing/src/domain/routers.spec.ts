import { SeededRandom } from '@fusion/shared/kernel';
import { beforeAll, describe, expect, it } from 'vitest';
import { GraphRouter } from './graph.router';
import { KnnRouter } from './knn.router';
import { decide, resolvePolicy } from './policy';
import { ROUTER_KINDS, type RouterKind, type RouterModel } from './router';
import { loadRouter, trainRouter } from './router-registry';
import { evaluateChoices, routerChoices } from './router-evaluation';
import { BestSingleBaseline } from './baselines/best-single.baseline';
import { buildTrainingSet } from './training-set';
import {
  syntheticQueries,
  syntheticQuery,
  syntheticSamples,
  syntheticTrainingSet,
  type SyntheticQuery,
} from './testing/synthetic-log.fixture';

const { set } = syntheticTrainingSet(1, 120);
const probeRng = new SeededRandom(99);
const probe = {
  mathA: syntheticQuery(probeRng, 'math', 'A', 'probe-a'),
  mathB: syntheticQuery(probeRng, 'math', 'B', 'probe-b'),
  code: syntheticQuery(probeRng, 'code', null, 'probe-c'),
};

function choose(
  model: RouterModel,
  q: SyntheticQuery,
  scenario: string,
  hint: string | undefined = q.task,
): string {
  return decide(model, q.embedding, { scenario }, { taskHint: hint, queryLength: q.length }).chosen.candidate;
}

describe.each(ROUTER_KINDS)('%s router', (kind: RouterKind) => {
  let model: RouterModel;
  beforeAll(() => {
    model = trainRouter(kind, set, {}, 7);
  });

  it('given two tasks whose best candidate differs, when routing performance-first, then it picks each task’s best', () => {
    expect(choose(model, probe.code, 'performance_first')).toBe('coder:think');
    expect(['strong', 'alt']).toContain(choose(model, probe.mathA, 'performance_first'));
  });

  it('given two kinds of query inside one task, when routing performance-first, then it tells them apart', () => {
    expect(choose(model, probe.mathA, 'performance_first')).toBe('strong');
    expect(choose(model, probe.mathB, 'performance_first')).toBe('alt');
  });

  it('given a 10x pricier think mode, when routing balance, cost-first or a frugal custom policy, then costs are respected', () => {
    expect(choose(model, probe.code, 'balance')).toBe('coder');
    expect(['coder', 'cheap']).toContain(choose(model, probe.code, 'cost_first'));
    const frugal = decide(
      model,
      probe.mathA.embedding,
      { alpha: 0.1, beta: 0.9 },
      { taskHint: 'math', queryLength: probe.mathA.length },
    );
    expect(frugal.chosen.candidate).toBe('cheap');
  });

  it('given no task hint, when predicting, then the task classifier supplies the task', () => {
    const p = model.predict(probe.code.embedding, undefined, probe.code.length);
    expect(p).toMatchObject({ task: 'code', taskSource: 'classifier' });
    expect(model.predict(probe.mathB.embedding, 'no-such-task').task).toBe('math');
    expect(choose(model, probe.code, 'performance_first', undefined)).toBe('coder:think');
  });

  it('given a prediction, then every candidate has a performance in [0,1] and a positive cost that grows with length', () => {
    const short = model.predict(probe.mathA.embedding, 'math', 200);
    const long = model.predict(probe.mathA.embedding, 'math', 500);
    expect(short.candidates.map((c) => c.candidate)).toEqual(set.candidates);
    for (const [i, c] of short.candidates.entries()) {
      expect(c.performance).toBeGreaterThanOrEqual(0);
      expect(c.performance).toBeLessThanOrEqual(1);
      expect(c.costUsd).toBeGreaterThan(0);
      expect(long.candidates[i]!.costUsd).toBeGreaterThan(c.costUsd);
    }
  });

  it('given a trained router, when its artifact is serialised and loaded, then predictions are identical', () => {
    const restored = loadRouter(JSON.parse(JSON.stringify(model.toJSON())));
    expect(restored.kind).toBe(kind);
    for (const q of [probe.mathA, probe.mathB, probe.code]) {
      expect(restored.predict(q.embedding, q.task, q.length)).toEqual(
        model.predict(q.embedding, q.task, q.length),
      );
      expect(restored.predict(q.embedding)).toEqual(model.predict(q.embedding));
    }
  });

  it('given the same seed, when trained twice, then the artifacts are identical', () => {
    expect(JSON.stringify(trainRouter(kind, set, {}, 7).toJSON())).toBe(JSON.stringify(model.toJSON()));
  });

  it('given held-out queries, when routing balance, then the mean reward beats the best single candidate', () => {
    const held = syntheticQueries(5, 40, 'held');
    const byId = new Map(held.map((q) => [q.queryId, q.embedding]));
    const test = buildTrainingSet(syntheticSamples(held, 6), (id) => byId.get(id));
    const weights = { alpha: 0.5, beta: 0.5 };
    const single = BestSingleBaseline.fit(set).choose(weights);
    const baseline = evaluateChoices(
      test,
      test.queryIds.map(() => single),
      weights,
    ).meanReward;
    const routed = evaluateChoices(test, routerChoices(model, test, weights), weights).meanReward;
    expect(routed).toBeGreaterThan(baseline + 0.05);
  });
});

describe('seeded training', () => {
  it.each(['mlp', 'matrix_factorisation', 'graph'] as const)(
    'given another seed, when %s is trained, then its weights differ',
    (kind) => {
      const a = JSON.stringify(trainRouter(kind, set, { epochs: 2 }, 1).toJSON().model);
      const b = JSON.stringify(trainRouter(kind, set, { epochs: 2 }, 2).toJSON().model);
      expect(a).not.toBe(b);
    },
  );

  it('given an unknown hyper-parameter or kind, then the error names it', () => {
    expect(() => trainRouter('knn', set, { kk: 3 })).toThrow(/hyperparams\.kk/);
    expect(() => trainRouter('knn', set, { k: -1 })).toThrow(/hyperparams\.k/);
    expect(() => trainRouter('forest', set)).toThrow(/unknown router kind 'forest'/);
  });
});

describe('kNN inverted-file index', () => {
  it('given every list probed, when predicting, then it equals the exact search', () => {
    const exact = KnnRouter.train(set, { exactBelow: 1e9 }, 3);
    const ivf = KnnRouter.train(set, { exactBelow: 10, lists: 8, probes: 8 }, 3);
    expect(ivf.toJSON().model['listStart']).toHaveLength(9);
    for (const q of [probe.mathA, probe.mathB, probe.code]) {
      const a = exact.predict(q.embedding, q.task).candidates;
      const b = ivf.predict(q.embedding, q.task).candidates;
      a.forEach((p, i) => expect(b[i]!.performance).toBeCloseTo(p.performance, 5));
    }
  });

  it('given few probes, when predicting, then the nearest neighbours still decide the cluster', () => {
    const ivf = KnnRouter.train(set, { exactBelow: 10, lists: 12, probes: 2 }, 3);
    expect(choose(ivf, probe.mathA, 'performance_first')).toBe('strong');
    expect(choose(ivf, probe.mathB, 'performance_first')).toBe('alt');
  });

  it('given a large shrinkage, when predicting, then estimates fall back to the per-task means', () => {
    const shrunk = KnnRouter.train(set, { shrinkage: 1e9 }, 3);
    const p = shrunk.predict(probe.mathA.embedding, 'math');
    const C = set.candidates.length;
    const t = set.tasks.indexOf('math');
    p.candidates.forEach((c, i) => expect(c.performance).toBeCloseTo(shrunk.context.perfMean[t * C + i]!, 6));
    expect(p.candidates[0]!.confidence).toBeLessThan(1e-6);
  });
});

describe('graph router, inductive', () => {
  it('given a new candidate and its descriptor, when added, then it is scored without retraining', () => {
    const graph = GraphRouter.train(set, {}, 4);
    const grown = graph.addCandidate('newcomer', { costUsd: 0.02 });
    const p = grown.predict(probe.code.embedding, 'code', probe.code.length);
    expect(p.candidates.map((c) => c.candidate)).toEqual([...set.candidates, 'newcomer']);
    const newcomer = p.candidates.at(-1)!;
    expect(newcomer.performance).toBeGreaterThan(0);
    expect(newcomer.performance).toBeLessThan(1);
    expect(newcomer.costUsd).toBe(0.02);
    // the old candidates are untouched
    expect(p.candidates.slice(0, -1)).toEqual(
      graph.predict(probe.code.embedding, 'code', probe.code.length).candidates,
    );
    // and the grown router round-trips too
    expect(
      loadRouter(JSON.parse(JSON.stringify(grown.toJSON()))).predict(probe.code.embedding, 'code'),
    ).toEqual(grown.predict(probe.code.embedding, 'code'));
    expect(() => graph.addCandidate('coder', { costUsd: 1 })).toThrow(/already known/);
    expect(
      resolvePolicy({ allowed: ['newcomer'] }, grown.context.candidates).permitted.filter(Boolean),
    ).toHaveLength(1);
  });
});

describe('loadRouter', () => {
  const artifact = trainRouter('linear', set, {}, 1).toJSON();
  it.each([
    [null, 'artifact'],
    [{ ...artifact, format: 'other' }, 'artifact.format'],
    [{ ...artifact, version: 99 }, 'artifact.version'],
    [{ ...artifact, kind: 'forest' }, 'artifact.kind'],
    [{ ...artifact, model: { ...artifact.model, weights: 'AAAA' } }, 'artifact.model.weights'],
    [{ ...artifact, context: { ...artifact.context, candidates: 3 } }, 'artifact.context.candidates'],
  ])('given a bad artifact, then INVALID_ARGUMENT names %#', (bad, field) => {
    try {
      loadRouter(bad);
      expect.unreachable();
    } catch (e) {
      expect(e).toMatchObject({ code: 'INVALID_ARGUMENT', violations: [{ field }] });
    }
  });

  it('given an embedding of the wrong size, then predict names the embedding', () => {
    expect(() => loadRouter(artifact).predict(new Float32Array(3))).toThrow(/embedding: has 3 dimensions/);
  });
});
