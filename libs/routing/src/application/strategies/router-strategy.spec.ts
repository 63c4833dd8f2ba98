import type { BenchmarkQuery, Scenario } from '@fusion/evaluation';
import { SeededRandom } from '@fusion/shared/kernel';
import { HashedNgramEmbedder } from '@fusion/shared/llm';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadRouter } from '../../domain/router-registry';
import { RouterStrategy } from './router.strategy';
import { RouterStrategyTrainer } from './router-strategy.trainer';
import { createStrategyTrainer, STRATEGY_CATALOGUE } from './strategy-registry';

const PF: Scenario = { name: 'performance_first', alpha: 1, beta: 0, objective: 'performance' };
const BALANCE: Scenario = { name: 'balance', alpha: 0.5, beta: 0.5, objective: 'performance' };
const JUDGE: Scenario = { name: 'judge', alpha: 1, beta: 0, objective: 'judge' };

const MATH = ['integral', 'derivative', 'equation', 'prime', 'matrix', 'sum', 'limit'];
const CODE = ['python', 'function', 'loop', 'compile', 'array', 'class', 'string'];

// Given: math questions that `solver` answers and code questions that `coder` answers; `cheap` gets half of
// math (30% of code) right for almost nothing; the judge prefers `coder:think` everywhere.
function log(seed: number, n: number, split: 'train' | 'test', judged: boolean): BenchmarkQuery[] {
  const rng = new SeededRandom(seed);
  const pick = (words: string[]): string =>
    Array.from({ length: 6 }, () => words[rng.int(words.length)]).join(' ');
  const queries: BenchmarkQuery[] = [];
  for (let i = 0; i < n; i++) {
    const math = i % 2 === 0;
    const p: Record<string, number> = math
      ? { solver: 0.95, coder: 0.2, 'coder:think': 0.3, cheap: 0.5 }
      : { solver: 0.2, coder: 0.9, 'coder:think': 0.95, cheap: 0.3 };
    const cost: Record<string, number> = { solver: 0.02, coder: 0.02, 'coder:think': 0.06, cheap: 0.0002 };
    queries.push({
      queryId: `${split}-${i}`,
      taskName: math ? 'math' : 'code',
      taskDomain: math ? 'math' : 'code',
      query: `${math ? 'solve' : 'write'} ${pick(math ? MATH : CODE)}?`,
      split,
      outcomes: Object.keys(p).map((candidate) => ({
        candidate,
        performance: rng.next() < p[candidate]! ? 1 : 0,
        costUsd: cost[candidate]!,
        judgeScore: judged ? (candidate === 'coder:think' ? 0.9 : 0.4) : null,
      })),
    });
  }
  return queries;
}

const train = log(1, 160, 'train', true);
const test = log(2, 20, 'test', true);

describe.each(['knn', 'linear', 'graph'] as const)('%s as a benchmark strategy', (kind) => {
  let strategy: RouterStrategy;
  beforeAll(async () => {
    strategy = (await new RouterStrategyTrainer({ kind, seed: 3 }).train(train)) as RouterStrategy;
  });

  it('given test queries, when ranked, then each gets a full best-first list in input order', async () => {
    const ranked = await strategy.rankBatch(test, PF);
    expect(strategy.name).toBe(kind);
    expect(ranked).toHaveLength(test.length);
    for (const list of ranked) {
      expect(list.map((r) => r.candidate).sort()).toEqual(['cheap', 'coder', 'coder:think', 'solver']);
      for (let i = 1; i < list.length; i++) expect(list[i - 1]!.score).toBeGreaterThanOrEqual(list[i]!.score);
    }
    ranked.forEach((list, i) => {
      expect(list[0]!.candidate).toBe(test[i]!.taskName === 'math' ? 'solver' : 'coder:think');
    });
  });

  it('given balance, then the pricier think mode gives way on code', async () => {
    const ranked = await strategy.rankBatch(test, BALANCE);
    ranked.forEach((list, i) => {
      if (test[i]!.taskName === 'code') expect(list[0]!.candidate).toBe('coder');
    });
  });

  it('given the judge objective, then the router trained on judge scores ranks', async () => {
    const ranked = await strategy.rankBatch(test, JUDGE);
    expect(ranked.every((list) => list[0]!.candidate === 'coder:think')).toBe(true);
  });
});

describe('router strategies, edge cases', () => {
  it('given a log without judge scores, when asked for the judge objective, then FAILED_PRECONDITION', async () => {
    const s = await new RouterStrategyTrainer({ kind: 'knn' }).train(log(4, 40, 'train', false));
    await expect(s.rankBatch(test, JUDGE)).rejects.toMatchObject({ code: 'FAILED_PRECONDITION' });
  });

  it('given a router trained in another embedding space, then the strategy refuses it', async () => {
    const s = (await new RouterStrategyTrainer({ kind: 'linear' }).train(train)) as RouterStrategy;
    const model = loadRouter(JSON.parse(JSON.stringify(s.model.toJSON())));
    expect(() => new RouterStrategy('x', model, new HashedNgramEmbedder({ dimension: 128 }))).toThrow(
      /expects 256-d embeddings/,
    );
    expect(() => new RouterStrategy('x', model, new HashedNgramEmbedder({ charNgrams: [3] }))).toThrow(
      /trained in embedding space/,
    );
    expect(new RouterStrategy('x', model, new HashedNgramEmbedder()).name).toBe('x');
  });

  it('given no training queries, then INVALID_ARGUMENT', async () => {
    await expect(new RouterStrategyTrainer({ kind: 'knn' }).train([])).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
  });
});

describe('strategy registry', () => {
  it('lists every router kind with its defaults and every baseline', () => {
    expect(STRATEGY_CATALOGUE.map((s) => s.kind)).toEqual([
      'knn',
      'mlp',
      'linear',
      'matrix_factorisation',
      'graph',
      'best_single',
      'cheapest',
      'random',
      'oracle',
    ]);
    expect(STRATEGY_CATALOGUE[0]!.defaults).toMatchObject({ k: 40 });
  });

  it('given unknown kinds or an oracle without outcomes, then INVALID_ARGUMENT names the field', () => {
    expect(() => createStrategyTrainer('forest')).toThrow(/kind: unknown strategy 'forest'/);
    expect(() => createStrategyTrainer('oracle')).toThrow(/evaluated: the oracle needs/);
  });

  it('given the baselines, then best single, cheapest, random and oracle rank as their definitions say', async () => {
    const rank = async (kind: string, scenario: Scenario) =>
      (await createStrategyTrainer(kind, { evaluated: test, seed: 1 }).train(train)).rankBatch(
        test,
        scenario,
      );
    const best = await rank('best_single', PF);
    expect(new Set(best.map((l) => l[0]!.candidate)).size).toBe(1);
    expect((await rank('cheapest', PF)).every((l) => l[0]!.candidate === 'cheap')).toBe(true);
    expect((await rank('best_single', JUDGE))[0]![0]!.candidate).toBe('coder:think');
    const random = await rank('random', PF);
    expect(random).toEqual(await rank('random', PF));
    const oracle = await rank('oracle', PF);
    oracle.forEach((list, i) => {
      const top = test[i]!.outcomes.find((o) => o.candidate === list[0]!.candidate)!;
      expect(top.performance).toBe(Math.max(...test[i]!.outcomes.map((o) => o.performance ?? 0)));
    });
  });
});
