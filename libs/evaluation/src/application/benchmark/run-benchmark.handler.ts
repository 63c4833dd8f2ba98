import { DomainError, ErrorCode, isDomainError, type FieldViolation } from '@fusion/shared/kernel';
import { strategySelection, type Selection } from '../../domain/benchmark/benchmark-metrics';
import { missingSplitHint } from '../../domain/benchmark/benchmark-query.builder';
import {
  BENCHMARK_REPORT_SCHEMA_VERSION,
  RANKING_KS,
  type BenchmarkReport,
  type ReportTaskInfo,
  type ScenarioReport,
} from '../../domain/benchmark/benchmark-report';
import { assembleScenarioReport } from '../../domain/benchmark/benchmark-report.assembler';
import { validationSlice } from '../../domain/benchmark/query-split';
import { buildRewardTable } from '../../domain/benchmark/reward-table';
import { DEFAULT_SCENARIOS, resolveScenarios } from '../../domain/benchmark/scenario';
import type {
  BenchmarkQuery,
  CandidateOutcome,
  FusionStrategy,
  QueryView,
  RankedPrediction,
  Scenario,
  StrategyTrainer,
} from '../../domain/benchmark/strategy';
import type { BenchmarkProgress, RunBenchmarkCommand } from './run-benchmark.command';

export const DEFAULT_BENCHMARK_SEED = 42;
export const DEFAULT_VALIDATION_FRACTION = 0.2;

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function validateQueries(queries: readonly BenchmarkQuery[]): void {
  if (!Array.isArray(queries) || queries.length === 0) {
    throw DomainError.invalidArgument('queries', 'no benchmark queries given');
  }
  const violations: FieldViolation[] = [];
  const seen = new Map<string, number>();
  queries.forEach((q, i) => {
    if (typeof q.queryId !== 'string' || q.queryId === '') {
      violations.push({ field: `queries[${i}].queryId`, reason: 'must be a non-empty string' });
    } else if (seen.has(q.queryId)) {
      violations.push({
        field: `queries[${i}].queryId`,
        reason: `duplicates queries[${seen.get(q.queryId)}]`,
      });
    } else {
      seen.set(q.queryId, i);
    }
    if (typeof q.taskName !== 'string' || q.taskName === '') {
      violations.push({ field: `queries[${i}].taskName`, reason: 'must be a non-empty string' });
    }
    if (q.split !== 'train' && q.split !== 'test') {
      violations.push({
        field: `queries[${i}].split`,
        reason: `must be 'train' or 'test', got ${String(q.split)}`,
      });
    }
    if (!Array.isArray(q.outcomes)) {
      violations.push({ field: `queries[${i}].outcomes`, reason: 'must be an array' });
      return;
    }
    const candidates = new Set<string>();
    (q.outcomes as readonly CandidateOutcome[]).forEach((o: CandidateOutcome, j: number) => {
      const f = `queries[${i}].outcomes[${j}]`;
      if (typeof o?.candidate !== 'string' || o.candidate === '') {
        violations.push({ field: `${f}.candidate`, reason: 'must be a non-empty string' });
        return;
      }
      if (candidates.has(o.candidate)) {
        violations.push({
          field: `${f}.candidate`,
          reason: `"${o.candidate}" appears twice in query ${q.queryId}`,
        });
      }
      candidates.add(o.candidate);
      for (const key of ['performance', 'costUsd', 'judgeScore'] as const) {
        const v = o[key];
        if (v !== null && (typeof v !== 'number' || !Number.isFinite(v) || (key === 'costUsd' && v < 0))) {
          violations.push({
            field: `${f}.${key}`,
            reason: `must be null or a finite number${key === 'costUsd' ? ' >= 0' : ''}, got ${String(v)}`,
          });
        }
      }
    });
  });
  if (violations.length > 0) throw DomainError.invalidArguments(violations.slice(0, 20));
}

function validateSettings(
  seed: number,
  validationFraction: number,
  trainers: readonly StrategyTrainer[],
): void {
  const violations: FieldViolation[] = [];
  if (!Number.isSafeInteger(seed))
    violations.push({ field: 'seed', reason: `must be an integer, got ${seed}` });
  if (!Number.isFinite(validationFraction) || validationFraction <= 0 || validationFraction >= 1) {
    violations.push({ field: 'validationFraction', reason: `must be in (0, 1), got ${validationFraction}` });
  }
  const names = new Map<string, number>();
  trainers.forEach((t, i) => {
    if (typeof t?.name !== 'string' || t.name.trim() === '') {
      violations.push({ field: `trainers[${i}].name`, reason: 'must be a non-empty string' });
    } else if (names.has(t.name)) {
      violations.push({
        field: `trainers[${i}].name`,
        reason: `"${t.name}" is also trainers[${names.get(t.name)}]`,
      });
    } else {
      names.set(t.name, i);
    }
  });
  if (violations.length > 0) throw DomainError.invalidArguments(violations);
}

// A trainer gets its own copy: whatever it does to the data cannot change what the harness scores.
function copyForTrainer(queries: readonly BenchmarkQuery[]): BenchmarkQuery[] {
  return queries.map((q) => ({ ...q, outcomes: q.outcomes.map((o) => ({ ...o })) }));
}

// What a strategy may see at ranking time: never outcomes, never the split.
function toView(q: BenchmarkQuery): QueryView {
  return { queryId: q.queryId, taskName: q.taskName, taskDomain: q.taskDomain, query: q.query };
}

function failure(trainer: string, action: string, err: unknown): DomainError {
  if (isDomainError(err)) return err;
  const msg = err instanceof Error ? err.message : String(err);
  return new DomainError(ErrorCode.Internal, `trainer "${trainer}" failed to ${action}: ${msg}`, {
    cause: err,
  });
}

async function train(trainer: StrategyTrainer, queries: readonly BenchmarkQuery[]): Promise<FusionStrategy> {
  try {
    return await trainer.train(copyForTrainer(queries));
  } catch (err) {
    throw failure(trainer.name, 'train', err);
  }
}

async function rank(
  trainer: StrategyTrainer,
  strategy: FusionStrategy,
  views: readonly QueryView[],
  scenario: Scenario,
): Promise<RankedPrediction[][]> {
  try {
    return await strategy.rankBatch(views, { ...scenario });
  } catch (err) {
    throw failure(trainer.name, `rank (scenario ${scenario.name})`, err);
  }
}

function rulesInWords(seed: number, validationFraction: number) {
  return {
    champion_rule:
      `the trainer with the highest mean reward on a seeded validation slice of train (${validationFraction} of each task's train queries, seed ${seed}), ` +
      'every trainer fitted on train minus that slice; per task, on that task’s validation queries; ties go to the first trainer listed. ' +
      'Test queries are never used to choose. Reported strategy numbers come from trainers refitted on the full train split.',
    best_single_rule:
      'the candidate with the highest mean reward on the train split (per task: that task’s train queries), normalised on train; ties go to the first candidate by name',
    random_rule: `a uniformly random candidate order per query, seeded by (seed ${seed}, query id)`,
    oracle_rule: 'per query, the candidate with the highest true reward (ties: first by name)',
    normalisation:
      'per task min-max over every candidate and query of the evaluated split (train to pick the best single, the validation slice to pick the champion, test for every reported number); a task whose values are constant normalises to 0',
    missing_values:
      'a missing performance counts as the task minimum, a missing cost as the task maximum, a missing judge score as 0 (a candidate absent from a query: all three); counted in imputed_outcomes',
    relevance:
      'for NDCG@k, Hit@k and MRR, every candidate whose true reward ties the query maximum is relevant',
    gap_closed:
      '(reward - best_single.reward) / (oracle.reward - best_single.reward); null when oracle.reward equals best_single.reward',
    overall:
      'means over all test queries (micro average); per-task numbers use the same per-task normalisation',
  };
}

/**
 * Runs the benchmark: chooses each scenario's champion on a validation slice of train, refits every trainer on the
 * full train split, and scores strategies and baselines (each single candidate, best single chosen on train, random,
 * oracle) on test. Deterministic for the same input and seed.
 */
export async function runBenchmark(command: RunBenchmarkCommand): Promise<BenchmarkReport> {
  const seed = command.seed ?? DEFAULT_BENCHMARK_SEED;
  const validationFraction = command.validationFraction ?? DEFAULT_VALIDATION_FRACTION;
  const trainers = command.trainers ?? [];
  validateSettings(seed, validationFraction, trainers);
  validateQueries(command.queries);
  const queries = command.queries;

  const trainSplit = queries.filter((q) => q.split === 'train');
  const testSplit = queries.filter((q) => q.split === 'test');
  if (trainSplit.length === 0 || testSplit.length === 0) {
    throw DomainError.failedPrecondition(
      `benchmark needs both train and test queries, got ${trainSplit.length} train and ${testSplit.length} test; ${missingSplitHint()}`,
      { train: trainSplit.length, test: testSplit.length },
    );
  }

  const candidates = [...new Set(queries.flatMap((q) => q.outcomes.map((o) => o.candidate)))].sort(cmp);
  if (candidates.length === 0)
    throw DomainError.invalidArgument('queries', 'no query has any candidate outcome');
  const hasJudge = queries.some((q) => q.outcomes.some((o) => o.judgeScore !== null));
  const scenarios = resolveScenarios(
    command.scenarios ?? (hasJudge ? [...DEFAULT_SCENARIOS, 'judge'] : DEFAULT_SCENARIOS),
  );
  const judged = scenarios.find((s) => s.objective === 'judge');
  if (judged && !hasJudge) {
    throw DomainError.failedPrecondition(
      `scenario "${judged.name}" ranks by judge score, but no outcome in the logs has one: judge the logs first or leave that scenario out`,
    );
  }

  const { validation, fit } = validationSlice(trainSplit, seed, validationFraction);
  if (trainers.length > 0 && validation.length === 0) {
    throw DomainError.failedPrecondition(
      `choosing a champion needs a validation slice of train, but no task has 2 or more train queries (${trainSplit.length} train queries)`,
    );
  }

  const total = trainers.length * (2 + 2 * scenarios.length) + scenarios.length;
  let completed = 0;
  const progress = (p: Omit<BenchmarkProgress, 'completed' | 'total'>) => {
    completed += 1;
    command.onProgress?.({ ...p, completed, total });
  };

  // Phase 1: champion selection, on data the reported numbers never come from.
  const validationViews = validation.map(toView);
  const validationPredictions = new Map<string, RankedPrediction[][][]>();
  for (const trainer of trainers) {
    const strategy = await train(trainer, fit);
    progress({
      phase: 'champion_selection',
      trainer: trainer.name,
      scenario: null,
      message: `trained ${trainer.name} on ${fit.length} queries (train minus validation)`,
    });
    const perScenario: RankedPrediction[][][] = [];
    for (const scenario of scenarios) {
      perScenario.push(await rank(trainer, strategy, validationViews, scenario));
      progress({
        phase: 'champion_selection',
        trainer: trainer.name,
        scenario: scenario.name,
        message: `ranked ${validation.length} validation queries with ${trainer.name} (${scenario.name})`,
      });
    }
    validationPredictions.set(trainer.name, perScenario);
  }

  // Phase 2: refit on the full train split and rank test.
  const testViews = testSplit.map(toView);
  const testPredictions = new Map<string, RankedPrediction[][][]>();
  for (const trainer of trainers) {
    const strategy = await train(trainer, trainSplit);
    progress({
      phase: 'final_evaluation',
      trainer: trainer.name,
      scenario: null,
      message: `trained ${trainer.name} on ${trainSplit.length} train queries`,
    });
    const perScenario: RankedPrediction[][][] = [];
    for (const scenario of scenarios) {
      perScenario.push(await rank(trainer, strategy, testViews, scenario));
      progress({
        phase: 'final_evaluation',
        trainer: trainer.name,
        scenario: scenario.name,
        message: `ranked ${testSplit.length} test queries with ${trainer.name} (${scenario.name})`,
      });
    }
    testPredictions.set(trainer.name, perScenario);
  }

  const scenarioReports: Record<string, ScenarioReport> = {};
  scenarios.forEach((scenario, s) => {
    const trainTable = buildRewardTable(trainSplit, candidates, scenario);
    const validationTable = trainers.length > 0 ? buildRewardTable(validation, candidates, scenario) : null;
    const testTable = buildRewardTable(testSplit, candidates, scenario);
    const select = (table: typeof testTable, preds: Map<string, RankedPrediction[][][]>): Selection[] =>
      trainers.map((t) => strategySelection(table, t.name, preds.get(t.name)?.[s] ?? []));
    scenarioReports[scenario.name] = assembleScenarioReport({
      train: trainTable,
      validation: validationTable,
      test: testTable,
      validationSelections: validationTable ? select(validationTable, validationPredictions) : [],
      testSelections: select(testTable, testPredictions),
      seed,
      hasJudge,
    });
    progress({
      phase: 'report',
      trainer: null,
      scenario: scenario.name,
      message: `scored scenario ${scenario.name}`,
    });
  });

  return {
    schema_version: BENCHMARK_REPORT_SCHEMA_VERSION,
    report: 'fusionfactory.benchmark',
    dataset: {
      name: command.dataset?.name ?? null,
      queries: queries.length,
      train_queries: trainSplit.length,
      validation_queries: validation.length,
      test_queries: testSplit.length,
      candidates,
      tasks: taskInfo(queries, new Set(validation)),
      split: {
        source: command.dataset?.split?.source ?? 'given',
        seed: command.dataset?.split?.seed ?? null,
        test_fraction: command.dataset?.split?.testFraction ?? null,
      },
      has_judge_scores: hasJudge,
      missing_values: missingValues(queries, candidates),
      issues: Object.fromEntries(Object.entries(command.dataset?.issues ?? {}).sort(([a], [b]) => cmp(a, b))),
    },
    settings: {
      seed,
      validation_fraction: validationFraction,
      ranking_k: [...RANKING_KS],
      trainers: trainers.map((t) => t.name),
      ...rulesInWords(seed, validationFraction),
    },
    scenarios: scenarioReports,
  };
}

function taskInfo(queries: readonly BenchmarkQuery[], validation: ReadonlySet<BenchmarkQuery>) {
  const tasks = new Map<string, ReportTaskInfo>();
  for (const q of queries) {
    let t = tasks.get(q.taskName);
    if (!t) {
      t = { domain: q.taskDomain, train_queries: 0, validation_queries: 0, test_queries: 0 };
      tasks.set(q.taskName, t);
    }
    if (q.split === 'test') t.test_queries += 1;
    else t.train_queries += 1;
    if (validation.has(q)) t.validation_queries += 1;
  }
  return Object.fromEntries([...tasks.entries()].sort(([a], [b]) => cmp(a, b)));
}

function missingValues(queries: readonly BenchmarkQuery[], candidates: readonly string[]) {
  const out = { absent: 0, performance: 0, cost_usd: 0, judge_score: 0 };
  for (const q of queries) {
    out.absent += candidates.length - new Set(q.outcomes.map((o) => o.candidate)).size;
    for (const o of q.outcomes) {
      if (o.performance === null) out.performance += 1;
      if (o.costUsd === null) out.cost_usd += 1;
      if (o.judgeScore === null) out.judge_score += 1;
    }
  }
  return out;
}
