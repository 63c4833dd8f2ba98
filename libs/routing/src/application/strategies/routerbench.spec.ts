import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { BenchmarkQuery, FusionStrategy, Scenario } from '@fusion/evaluation';
import { HashedNgramEmbedder } from '@fusion/shared/llm';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectChampion, type ChampionReport } from '../../domain/champion-selection';
import { trainRouter } from '../../domain/router-registry';
import { RouterStrategy } from './router.strategy';
import { buildBenchmarkTrainingSet } from './router-strategy.trainer';
import { createStrategyTrainer } from './strategy-registry';

// Real logs: the RouterBench subset at ../shared/data (ARC-Challenge, MBPP, Winogrande; 11 LLMs; train/test).
const DATA = resolve(__dirname, '../../../../..', '../shared/data/routerbench-routerdc');
const FILES = ['arc_challenge', 'mbpp', 'winograde'];
const DOMAIN: Record<string, string> = {
  'arc-challenge': 'world_knowledge',
  mbpp: 'code',
  winogrande: 'commonsense',
};

/** Minimal RFC 4180 reader (quoted fields with commas, newlines and doubled quotes). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch !== '"') field += ch;
      else if (text[i + 1] === '"') {
        field += '"';
        i++;
      } else quoted = false;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else if (ch !== '\r') field += ch;
  }
  if (field.length > 0 || row.length > 0) rows.push([...row, field]);
  return rows;
}

/** The prompt column is a stringified Python list of one string. */
const promptText = (cell: string): string =>
  cell
    .replace(/^\[['"]/, '')
    .replace(/['"]\]$/, '')
    .replace(/\\n/g, '\n')
    .replace(/\\'/g, "'");

function load(split: 'train' | 'test'): BenchmarkQuery[] {
  const out: BenchmarkQuery[] = [];
  for (const file of FILES) {
    const [header, ...rows] = parseCsv(readFileSync(resolve(DATA, `${file}_${split}.csv`), 'utf8'));
    const col = new Map(header!.map((h, i) => [h, i]));
    const llms = header!.filter((h) => col.has(`${h}|total_cost`));
    for (const r of rows) {
      if (r.length !== header!.length) continue;
      const task = r[col.get('eval_name')!]!;
      // sample_id repeats (8 ids, different prompts): the row index keeps queries apart.
      out.push({
        queryId: `${r[col.get('sample_id')!]}#${r[0]}`,
        taskName: task,
        taskDomain: DOMAIN[task] ?? 'general',
        query: promptText(r[col.get('prompt')!]!),
        split,
        outcomes: llms.map((llm) => {
          const perf = r[col.get(llm)!]!;
          const cost = r[col.get(`${llm}|total_cost`)!]!;
          return {
            candidate: llm,
            performance: perf === '' ? null : Number(perf),
            costUsd: cost === '' ? null : Number(cost),
            judgeScore: null,
          };
        }),
      });
    }
  }
  return out;
}

/** Mean reward of each query's top choice, per-task min-max normalised on the evaluated split (strategy.ts). */
function meanReward(queries: readonly BenchmarkQuery[], top: readonly string[], scenario: Scenario): number {
  const range = new Map<string, { pMin: number; pMax: number; cMin: number; cMax: number }>();
  for (const q of queries) {
    const r = range.get(q.taskName) ?? { pMin: Infinity, pMax: -Infinity, cMin: Infinity, cMax: -Infinity };
    for (const o of q.outcomes) {
      if (o.performance !== null)
        [r.pMin, r.pMax] = [Math.min(r.pMin, o.performance), Math.max(r.pMax, o.performance)];
      if (o.costUsd !== null) [r.cMin, r.cMax] = [Math.min(r.cMin, o.costUsd), Math.max(r.cMax, o.costUsd)];
    }
    range.set(q.taskName, r);
  }
  const norm = (v: number, lo: number, hi: number): number => (hi > lo ? (v - lo) / (hi - lo) : 0);
  let total = 0;
  queries.forEach((q, i) => {
    const r = range.get(q.taskName)!;
    const o = q.outcomes.find((x) => x.candidate === top[i]);
    // A choice without a logged outcome earns the worst: performance at the task minimum, cost at the maximum.
    const perf = o?.performance ?? r.pMin;
    const cost = o?.costUsd ?? r.cMax;
    total += scenario.alpha * norm(perf, r.pMin, r.pMax) - scenario.beta * norm(cost, r.cMin, r.cMax);
  });
  return total / queries.length;
}

const SCENARIOS: Scenario[] = [
  { name: 'performance_first', alpha: 1, beta: 0, objective: 'performance' },
  { name: 'balance', alpha: 0.5, beta: 0.5, objective: 'performance' },
];

describe('routers on RouterBench (real logs)', () => {
  const train = load('train');
  const test = load('test');
  let report: ChampionReport;
  const rewards = new Map<string, number[]>();

  const evaluate = async (name: string, strategy: FusionStrategy): Promise<void> => {
    const values: number[] = [];
    for (const scenario of SCENARIOS) {
      const ranked = await strategy.rankBatch(test, scenario);
      values.push(
        meanReward(
          test,
          ranked.map((l) => l[0]!.candidate),
          scenario,
        ),
      );
    }
    rewards.set(name, values);
  };

  beforeAll(async () => {
    const embedder = new HashedNgramEmbedder();
    const set = await buildBenchmarkTrainingSet(train, embedder);
    // The champion is chosen on a validation slice of train, never on test.
    report = selectChampion(set, { seed: 0 });
    const champion = new RouterStrategy('champion', trainRouter(report.champion, set, {}, 0), embedder);
    await evaluate('champion', champion);
    for (const kind of ['best_single', 'random', 'oracle']) {
      await evaluate(kind, await createStrategyTrainer(kind, { evaluated: test, seed: 0 }).train(train));
    }
  }, 180_000);

  it('given the data, then every split and task is there with 11 LLMs', () => {
    expect(train).toHaveLength(2225);
    expect(test).toHaveLength(953);
    expect(new Set(test.map((q) => q.taskName))).toEqual(new Set(['arc-challenge', 'mbpp', 'winogrande']));
    expect(new Set(train.flatMap((q) => q.outcomes.map((o) => o.candidate))).size).toBe(11);
    expect(new Set(train.map((q) => q.queryId)).size).toBe(train.length);
  });

  it('given performance-first and balance, then the champion’s test reward is at least the best single LLM’s', () => {
    const champion = rewards.get('champion')!;
    const single = rewards.get('best_single')!;
    SCENARIOS.forEach((_, i) => expect(champion[i]!).toBeGreaterThanOrEqual(single[i]!));
    // balance rewards routing between a cheap and a strong model; there the champion must win outright
    expect(champion[1]!).toBeGreaterThan(single[1]! + 0.005);
  });

  it('given the reference strategies, then random < champion <= oracle', () => {
    const champion = rewards.get('champion')!;
    SCENARIOS.forEach((_, i) => {
      expect(rewards.get('random')![i]!).toBeLessThan(champion[i]!);
      expect(rewards.get('oracle')![i]!).toBeGreaterThanOrEqual(champion[i]!);
    });
    expect(report.routers).toHaveLength(5);
  });
});
