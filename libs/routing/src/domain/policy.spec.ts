import { describe, expect, it } from 'vitest';
import { rankPrediction, resolvePolicy, type RoutingPolicy } from './policy';
import type { RouterPrediction } from './router';
import type { TaskNormStats } from './training-set';

const CANDIDATES = ['gpt-4', 'gpt-4:think', 'llama-8b', 'llama-8b:think', 'mixtral'];

const stats: TaskNormStats = {
  task: 'math',
  perfMin: 0,
  perfMax: 1,
  costMin: 0,
  costMax: 0.1,
  judgeMin: 0,
  judgeMax: 1,
};

// Given: gpt-4 strong and dear, its think mode a little stronger and dearer, llama cheap and weak, mixtral between.
const prediction: RouterPrediction = {
  task: 'math',
  taskIndex: 0,
  taskSource: 'hint',
  candidates: [
    { candidate: 'gpt-4', performance: 0.9, costUsd: 0.05, latencyMs: 800 },
    { candidate: 'gpt-4:think', performance: 0.95, costUsd: 0.1, latencyMs: 4000 },
    { candidate: 'llama-8b', performance: 0.4, costUsd: 0.001, latencyMs: null },
    { candidate: 'llama-8b:think', performance: 0.5, costUsd: 0.003, latencyMs: 2500 },
    { candidate: 'mixtral', performance: 0.7, costUsd: 0.01, latencyMs: 600, confidence: 0.4 },
  ],
};

const rank = (policy: RoutingPolicy) => rankPrediction(prediction, stats, resolvePolicy(policy, CANDIDATES));

function fieldsOf(policy: RoutingPolicy): string[] {
  try {
    resolvePolicy(policy, CANDIDATES);
  } catch (e) {
    expect(e).toMatchObject({ code: 'INVALID_ARGUMENT' });
    return (e as { violations: { field: string }[] }).violations.map((v) => v.field);
  }
  throw new Error('expected INVALID_ARGUMENT');
}

describe('policy validation', () => {
  it.each<[RoutingPolicy, string[]]>([
    [{ alpha: 0, beta: 0 }, ['alpha']],
    [{ alpha: -1, beta: 0.5 }, ['alpha']],
    [{ alpha: 1, beta: Number.NaN }, ['beta']],
    [{ alpha: 1 }, ['beta']],
    [{ beta: 1 }, ['alpha']],
    [{ scenario: 'speed_first' }, ['scenario']],
    [{ scenario: 'balance', alpha: 1, beta: 0 }, ['scenario']],
    [{ scenario: 'toString' }, ['scenario']],
    [{ allowed: ['gpt-4', 'claude-3'] }, ['allowed[1]']],
    [{ excluded: ['gpt-5'] }, ['excluded[0]']],
    [{ allowed: ['gpt-4'], excluded: ['gpt-4'] }, ['excluded']],
    [{ maxCostUsd: 0 }, ['maxCostUsd']],
    [{ maxCostUsd: -1 }, ['maxCostUsd']],
    [{ latencyBudgetMs: Number.POSITIVE_INFINITY }, ['latencyBudgetMs']],
    [{ alpha: -1, beta: -1, allowed: ['x'], maxCostUsd: -2 }, ['alpha', 'beta', 'allowed[0]', 'maxCostUsd']],
  ])('given %o, then INVALID_ARGUMENT names %o', (policy, fields) => {
    expect(fieldsOf(policy)).toEqual(fields);
  });

  it('given nothing, then the policy is balance; given weights, a named custom policy', () => {
    expect(resolvePolicy({}, CANDIDATES)).toMatchObject({
      name: 'balance',
      alpha: 0.5,
      beta: 0.5,
      maxCostUsd: null,
    });
    expect(resolvePolicy({ alpha: 0.3, beta: 0.7 }, CANDIDATES)).toMatchObject({
      name: 'custom(alpha=0.3, beta=0.7)',
      alpha: 0.3,
      beta: 0.7,
    });
    expect(resolvePolicy({ scenario: 'cost_first' }, CANDIDATES)).toMatchObject({ alpha: 0.2, beta: 0.8 });
  });
});

describe('ranking', () => {
  it('given performance-first, then the strongest wins whatever it costs', () => {
    const d = rank({ scenario: 'performance_first' });
    expect(d.chosen.candidate).toBe('gpt-4:think');
    expect(d.ranked.map((r) => r.candidate)).toEqual([
      'gpt-4:think',
      'gpt-4',
      'mixtral',
      'llama-8b:think',
      'llama-8b',
    ]);
    expect(d.chosen).toMatchObject({
      llm: 'gpt-4',
      promptMode: 'think',
      normalisedPerformance: 0.95,
      normalisedCost: 1,
      score: 0.95,
    });
  });

  it('given balance and cost-first, then cost pulls the choice down the price list', () => {
    expect(rank({ scenario: 'balance' }).chosen.candidate).toBe('mixtral');
    expect(rank({ scenario: 'cost_first' }).chosen.candidate).toBe('llama-8b:think');
    expect(rank({ alpha: 0.05, beta: 1 }).chosen.candidate).toBe('llama-8b');
  });

  it('given an allow list by LLM name, then both prompt modes of that LLM stay and the rest are excluded', () => {
    const d = rank({ scenario: 'performance_first', allowed: ['llama-8b'] });
    expect(d.ranked.map((r) => r.candidate)).toEqual(['llama-8b:think', 'llama-8b']);
    expect(d.excluded).toHaveLength(3);
    expect(d.excluded.every((e) => e.reason === 'not_allowed')).toBe(true);
  });

  it('given an exact candidate excluded, then only that mode goes', () => {
    const d = rank({ scenario: 'performance_first', excluded: ['gpt-4:think'] });
    expect(d.chosen.candidate).toBe('gpt-4');
    expect(d.excluded).toEqual([{ candidate: 'gpt-4:think', reason: 'not_allowed' }]);
  });

  it('given a max cost, then candidates predicted above it are excluded and the reason says so', () => {
    const d = rank({ scenario: 'performance_first', maxCostUsd: 0.02 });
    expect(d.chosen.candidate).toBe('mixtral');
    expect(d.excluded.map((e) => [e.candidate, e.reason])).toEqual([
      ['gpt-4', 'over_max_cost'],
      ['gpt-4:think', 'over_max_cost'],
    ]);
    expect(d.reason).toMatch(
      /^mixtral: best performance_first score 0\.700 on task math \(given\).*2 excluded \(2 over max cost\)$/,
    );
    expect(d.chosen.confidence).toBe(0.4);
  });

  it('given a latency budget, then slow candidates go and candidates without latency data stay', () => {
    const d = rank({ scenario: 'performance_first', latencyBudgetMs: 1000 });
    expect(d.ranked.map((r) => r.candidate)).toEqual(['gpt-4', 'mixtral', 'llama-8b']);
    expect(d.excluded.map((e) => e.reason)).toEqual(['over_latency_budget', 'over_latency_budget']);
  });

  it('given constraints that leave nothing, then FAILED_PRECONDITION lists why each candidate went', () => {
    expect(() => rank({ allowed: ['gpt-4'], maxCostUsd: 0.001 })).toThrow(
      expect.objectContaining({
        code: 'FAILED_PRECONDITION',
        details: expect.objectContaining({
          excluded: expect.arrayContaining(['gpt-4: over_max_cost', 'mixtral: not_allowed']),
        }),
      }),
    );
  });

  it('given equal scores, then the cheaper candidate and then the name break the tie', () => {
    const tied: RouterPrediction = {
      ...prediction,
      candidates: [
        { candidate: 'b', performance: 0.5, costUsd: 0.01, latencyMs: null },
        { candidate: 'a', performance: 0.5, costUsd: 0.02, latencyMs: null },
        { candidate: 'c', performance: 0.5, costUsd: 0.01, latencyMs: null },
      ],
    };
    const d = rankPrediction(tied, stats, resolvePolicy({ scenario: 'performance_first' }, ['b', 'a', 'c']));
    expect(d.ranked.map((r) => r.candidate)).toEqual(['b', 'c', 'a']);
  });
});
