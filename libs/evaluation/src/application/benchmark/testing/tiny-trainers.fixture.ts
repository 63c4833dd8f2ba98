// Test-only strategies: tiny, transparent trainers the harness specs evaluate (real routers live elsewhere).
import { buildRewardTable } from '../../../domain/benchmark/reward-table';
import type {
  BenchmarkQuery,
  CandidateOutcome,
  FusionStrategy,
  QueryView,
  RankedPrediction,
  Scenario,
  StrategyTrainer,
} from '../../../domain/benchmark/strategy';

function candidatesOf(queries: readonly BenchmarkQuery[]): string[] {
  return [...new Set(queries.flatMap((q) => q.outcomes.map((o) => o.candidate)))].sort();
}

function meanBy(
  queries: readonly BenchmarkQuery[],
  candidates: readonly string[],
  value: (o: CandidateOutcome) => number | null,
) {
  return candidates.map((c) => {
    const vs = queries
      .map((q) => q.outcomes.find((o) => o.candidate === c))
      .map((o) => (o ? value(o) : null))
      .filter((v): v is number => v !== null);
    return vs.length > 0 ? vs.reduce((a, b) => a + b, 0) / vs.length : 0;
  });
}

function ranked(
  candidates: readonly string[],
  score: readonly number[],
  perf: readonly number[],
  cost: readonly number[],
) {
  return candidates
    .map((c, i): RankedPrediction => ({
      candidate: c,
      predictedPerformance: perf[i] ?? 0,
      predictedCostUsd: cost[i] ?? 0,
      score: score[i] ?? 0,
    }))
    .sort((a, b) => b.score - a.score || (a.candidate < b.candidate ? -1 : 1));
}

/** Per task, ranks candidates by their mean train reward on that task under the scenario asked for. */
export function perTaskBestTrainer(name = 'per_task_best'): StrategyTrainer & { seen: BenchmarkQuery[][] } {
  const seen: BenchmarkQuery[][] = [];
  return {
    name,
    seen,
    async train(train: readonly BenchmarkQuery[]): Promise<FusionStrategy> {
      seen.push([...train]);
      const candidates = candidatesOf(train);
      const cache = new Map<string, RankedPrediction[]>();
      const tables = new Map<string, ReturnType<typeof buildRewardTable>>();
      const rankFor = (task: string, scenario: Scenario): RankedPrediction[] => {
        const key = `${scenario.name}|${task}`;
        const hit = cache.get(key);
        if (hit) return hit;
        const table = tables.get(scenario.name) ?? buildRewardTable(train, candidates, scenario);
        tables.set(scenario.name, table);
        const rows = table.rows.filter((r) => r.query.taskName === task);
        const use = rows.length > 0 ? rows : table.rows;
        const mean = (f: (cell: { reward: number; performance: number; costUsd: number }) => number) =>
          candidates.map(
            (_, i) =>
              use.reduce((s, r) => s + f(r.cells[i] ?? { reward: 0, performance: 0, costUsd: 0 }), 0) /
              use.length,
          );
        const out = ranked(
          candidates,
          mean((c) => c.reward),
          mean((c) => c.performance),
          mean((c) => c.costUsd),
        );
        cache.set(key, out);
        return out;
      };
      return {
        name,
        async rankBatch(queries: readonly QueryView[], scenario: Scenario) {
          return queries.map((q) => rankFor(q.taskName, scenario));
        },
      };
    },
  };
}

/** Always the candidate with the lowest mean train cost, whatever the query or scenario. */
export function alwaysCheapestTrainer(name = 'always_cheapest'): StrategyTrainer {
  return {
    name,
    async train(train: readonly BenchmarkQuery[]): Promise<FusionStrategy> {
      const candidates = candidatesOf(train);
      const cost = meanBy(train, candidates, (o) => o.costUsd);
      const perf = meanBy(train, candidates, (o) => o.performance);
      const list = ranked(
        candidates,
        cost.map((c) => -c),
        perf,
        cost,
      );
      return { name, rankBatch: async (queries) => queries.map(() => list) };
    },
  };
}

/** Always the given candidate (then the rest by name): a strategy whose choices a test fixes in advance. */
export function fixedTrainer(
  name: string,
  candidate: (train: readonly BenchmarkQuery[]) => string,
): StrategyTrainer {
  return {
    name,
    async train(train: readonly BenchmarkQuery[]): Promise<FusionStrategy> {
      const pick = candidate(train);
      const rest = candidatesOf(train).filter((c) => c !== pick);
      const list = [pick, ...rest].map((c, i) => ({
        candidate: c,
        predictedPerformance: 0,
        predictedCostUsd: 0,
        score: -i,
      }));
      return { name, rankBatch: async (queries) => queries.map(() => list) };
    },
  };
}

/** A query with outcomes given as candidate -> [performance, costUsd, judgeScore?]. */
export function query(
  queryId: string,
  taskName: string,
  split: 'train' | 'test',
  outcomes: Record<string, [number | null, number | null, (number | null)?]>,
): BenchmarkQuery {
  return {
    queryId,
    taskName,
    taskDomain: 'general',
    query: `question ${queryId}`,
    split,
    outcomes: Object.entries(outcomes).map(([candidate, [performance, costUsd, judgeScore]]) => ({
      candidate,
      performance,
      costUsd,
      judgeScore: judgeScore ?? null,
    })),
  };
}
