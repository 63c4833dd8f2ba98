import {
  bestSingleCandidate,
  gapClosed,
  meanReward,
  oracleSelection,
  randomSelection,
  singleSelection,
  summariseSelection,
  type Selection,
} from './benchmark-metrics';
import type {
  CostSaved,
  EntrySelection,
  MetricsEntry,
  ScenarioReport,
  ScopeReport,
} from './benchmark-report';
import { paretoFrontier } from './pareto-frontier';
import type { RewardTable } from './reward-table';

/** Everything scored for one scenario; selections are in trainer order. */
export interface ScenarioEvaluation {
  /** The full train split, normalised on train: chooses the best single. */
  train: RewardTable;
  /** The validation slice of train, normalised on itself: chooses the champion. Null without trainers. */
  validation: RewardTable | null;
  /** The test split, normalised on test: every reported number. */
  test: RewardTable;
  /** Each trainer fitted on train minus validation, ranking the validation slice. */
  validationSelections: readonly Selection[];
  /** Each trainer refitted on the full train split, ranking test. */
  testSelections: readonly Selection[];
  seed: number;
  hasJudge: boolean;
}

function rowsOf(table: RewardTable | null, task: string | null): number[] {
  const out: number[] = [];
  table?.rows.forEach((row, i) => {
    if (task === null || row.query.taskName === task) out.push(i);
  });
  return out;
}

interface ScopeChoices {
  bestSingle: { index: number; selection: EntrySelection };
  strategyValidation: (EntrySelection | null)[];
  champion: string | null;
}

function chooseForScope(
  ev: ScenarioEvaluation,
  task: string | null,
  fallback: ScopeChoices | null,
): ScopeChoices {
  const trainRows = rowsOf(ev.train, task);
  const bestSingle =
    trainRows.length > 0 || !fallback
      ? (() => {
          const b = bestSingleCandidate(ev.train, trainRows);
          return {
            index: b.index,
            selection: { on: 'train', queries: trainRows.length, reward: b.reward } as const,
          };
        })()
      : {
          index: fallback.bestSingle.index,
          selection: { ...fallback.bestSingle.selection, on: 'train_all_tasks' as const },
        };

  const valRows = rowsOf(ev.validation, task);
  let strategyValidation: (EntrySelection | null)[];
  if (ev.validation && valRows.length > 0) {
    const table = ev.validation;
    strategyValidation = ev.validationSelections.map((s) => ({
      on: 'validation',
      queries: valRows.length,
      reward: meanReward(table, s, valRows),
    }));
  } else if (fallback) {
    strategyValidation = fallback.strategyValidation.map((s) =>
      s ? { ...s, on: 'validation_all_tasks' } : null,
    );
  } else {
    strategyValidation = ev.validationSelections.map(() => null);
  }
  // Ties go to the first trainer listed; test rewards never enter this choice.
  let champion: string | null = null;
  let best = -Infinity;
  strategyValidation.forEach((s, i) => {
    if (s && s.reward > best + 1e-12) {
      best = s.reward;
      champion = ev.validationSelections[i]?.name ?? null;
    }
  });
  return { bestSingle, strategyValidation, champion };
}

function quality(entry: MetricsEntry, metric: 'performance' | 'judge_score'): number {
  return metric === 'judge_score' ? (entry.judge_score ?? 0) : entry.performance;
}

function costSaved(
  metric: 'performance' | 'judge_score',
  best: MetricsEntry,
  champion: MetricsEntry | null,
  singles: readonly MetricsEntry[],
  strategies: readonly MetricsEntry[],
): CostSaved {
  const bestQ = quality(best, metric);
  const pct = (cost: number) => (best.cost_usd > 0 ? (100 * (best.cost_usd - cost)) / best.cost_usd : null);
  const candidates = [...singles, ...strategies].filter((e) => quality(e, metric) >= bestQ - 1e-12);
  candidates.sort(
    (a, b) =>
      a.cost_usd - b.cost_usd ||
      quality(b, metric) - quality(a, metric) ||
      (a.name < b.name ? -1 : a.name > b.name ? 1 : 0),
  );
  const cheapest = candidates[0] ?? best;
  return {
    quality_metric: metric,
    best_single: best.candidate ?? best.name,
    best_single_cost_usd: best.cost_usd,
    best_single_quality: bestQ,
    champion: champion?.name ?? null,
    champion_cost_usd: champion ? champion.cost_usd : null,
    champion_quality: champion ? quality(champion, metric) : null,
    champion_reaches_quality: champion ? quality(champion, metric) >= bestQ - 1e-12 : null,
    saved_usd_per_query: champion ? best.cost_usd - champion.cost_usd : null,
    saved_pct: champion ? pct(champion.cost_usd) : null,
    cheapest_at_quality: {
      name: cheapest.kind === 'strategy' ? cheapest.name : (cheapest.candidate ?? cheapest.name),
      kind: cheapest.kind === 'strategy' ? 'strategy' : 'single',
      cost_usd: cheapest.cost_usd,
      quality: quality(cheapest, metric),
      saved_usd_per_query: best.cost_usd - cheapest.cost_usd,
      saved_pct: pct(cheapest.cost_usd),
    },
  };
}

function buildScope(
  ev: ScenarioEvaluation,
  task: string | null,
  choices: ScopeChoices,
  baselines: { oracle: Selection; random: Selection; singles: Selection[] },
  metric: 'performance' | 'judge_score',
): ScopeReport {
  const rows = rowsOf(ev.test, task);
  const opts = { hasJudge: ev.hasJudge };
  const singles = baselines.singles.map((s) => summariseSelection(ev.test, s, rows, opts));
  const bestSel = singleSelection(ev.test, choices.bestSingle.index, 'best_single');
  const best = summariseSelection(ev.test, { ...bestSel, name: 'best_single' }, rows, {
    ...opts,
    selectionInfo: choices.bestSingle.selection,
  });
  const oracle = summariseSelection(ev.test, baselines.oracle, rows, opts);
  const random = summariseSelection(ev.test, baselines.random, rows, opts);
  const strategies = ev.testSelections.map((s, i) =>
    summariseSelection(ev.test, s, rows, { ...opts, selectionInfo: choices.strategyValidation[i] ?? null }),
  );
  for (const e of [...singles, best, oracle, random, ...strategies]) {
    e.gap_closed = gapClosed(e.reward, best.reward, oracle.reward);
  }
  const frontier = paretoFrontier(
    singles.map((s) => ({ name: s.name, cost: s.cost_usd, quality: quality(s, metric) })),
  ).map((p) => p.name);
  const champion = strategies.find((s) => s.name === choices.champion) ?? null;
  return {
    test_queries: rows.length,
    champion: choices.champion,
    best_single: best,
    oracle,
    random,
    strategies: Object.fromEntries(strategies.map((s) => [s.name, s])),
    singles: Object.fromEntries(singles.map((s) => [s.name, s])),
    pareto_frontier: frontier,
    cost_saved: costSaved(metric, best, champion, singles, strategies),
  };
}

/**
 * One scenario's report: overall and per task (every task with test queries, by name). Best single and champion
 * are chosen per scope on train and validation respectively; a task without such queries inherits the overall choice.
 */
export function assembleScenarioReport(ev: ScenarioEvaluation): ScenarioReport {
  const metric = ev.test.scenario.objective === 'judge' ? 'judge_score' : 'performance';
  const baselines = {
    oracle: oracleSelection(ev.test),
    random: randomSelection(ev.test, ev.seed),
    singles: ev.test.candidates.map((_, i) => singleSelection(ev.test, i)),
  };
  const overallChoices = chooseForScope(ev, null, null);
  const tasks = [...new Set(ev.test.rows.map((r) => r.query.taskName))].sort();
  const { name, alpha, beta, objective } = ev.test.scenario;
  return {
    scenario: { name, alpha, beta, objective },
    quality_metric: metric,
    overall: buildScope(ev, null, overallChoices, baselines, metric),
    tasks: Object.fromEntries(
      tasks.map((t) => [t, buildScope(ev, t, chooseForScope(ev, t, overallChoices), baselines, metric)]),
    ),
  };
}
