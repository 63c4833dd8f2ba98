/**
 * The benchmark report: exactly what `report.json` holds (snake_case, fixed key order).
 * docs/benchmark-report.md documents every field; bump the schema version on any breaking change.
 */
export const BENCHMARK_REPORT_SCHEMA_VERSION = 1;

/** Cut-offs of the ranking metrics. */
export const RANKING_KS = [1, 3, 5] as const;

/** What a report row measures. */
export type EntryKind = 'strategy' | 'single' | 'best_single' | 'random' | 'oracle';

/** Mean ranking metrics over test queries; relevant = every candidate whose true reward ties the maximum. */
export interface RankingMetrics {
  ndcg_at_1: number;
  ndcg_at_3: number;
  ndcg_at_5: number;
  hit_at_1: number;
  hit_at_3: number;
  hit_at_5: number;
  mrr: number;
}

/** How a row was chosen without looking at test: the split it was scored on and its mean reward there. */
export interface EntrySelection {
  /** `*_all_tasks`: the task had no such queries, so the choice made over all tasks stands. */
  on: 'train' | 'train_all_tasks' | 'validation' | 'validation_all_tasks';
  queries: number;
  reward: number;
}

/** One strategy or baseline on the test queries of one scope (a task, or overall). */
export interface MetricsEntry {
  name: string;
  kind: EntryKind;
  /** The one candidate it always picks (single, best_single); null for strategies, random and oracle. */
  candidate: string | null;
  queries: number;
  /** Mean raw task metric of the chosen candidates, in [0, 1]. */
  performance: number;
  /** Mean per-task min-max normalised performance. */
  performance_normalised: number;
  /** Mean judge score; null when the logs hold no judge scores. */
  judge_score: number | null;
  /** Mean cost per query of the chosen candidates, USD. */
  cost_usd: number;
  cost_usd_total: number;
  cost_normalised: number;
  /** Mean scenario reward. */
  reward: number;
  /** (reward - best_single.reward) / (oracle.reward - best_single.reward); null when oracle equals best single. */
  gap_closed: number | null;
  /** Null for rows that do not rank (single, best_single). */
  ranking: RankingMetrics | null;
  /** How often each candidate was chosen, most chosen first. */
  choices: Record<string, number>;
  /** Chosen outcomes with a missing value that was imputed pessimistically. */
  imputed_outcomes: number;
  selection: EntrySelection | null;
}

/** What the champion saves against the best single LLM at (about) its quality. */
export interface CostSaved {
  quality_metric: 'performance' | 'judge_score';
  best_single: string;
  best_single_cost_usd: number;
  best_single_quality: number;
  champion: string | null;
  champion_cost_usd: number | null;
  champion_quality: number | null;
  /** Champion quality >= best single quality. */
  champion_reaches_quality: boolean | null;
  /** best_single_cost_usd - champion_cost_usd (negative: the champion costs more). */
  saved_usd_per_query: number | null;
  /** Saved share of the best single's cost, in percent; null when the best single costs nothing. */
  saved_pct: number | null;
  /** The cheapest single or strategy whose quality is >= the best single's. */
  cheapest_at_quality: {
    name: string;
    kind: 'single' | 'strategy';
    cost_usd: number;
    quality: number;
    saved_usd_per_query: number;
    saved_pct: number | null;
  };
}

/** All rows of one scope: a task, or all test queries together. */
export interface ScopeReport {
  test_queries: number;
  /** The strategy chosen on validation for this scope; null without trainers. */
  champion: string | null;
  best_single: MetricsEntry;
  oracle: MetricsEntry;
  random: MetricsEntry;
  strategies: Record<string, MetricsEntry>;
  singles: Record<string, MetricsEntry>;
  /** Singles on the cost-versus-quality Pareto frontier, cheapest first. */
  pareto_frontier: string[];
  cost_saved: CostSaved;
}

export interface ScenarioReport {
  scenario: { name: string; alpha: number; beta: number; objective: 'performance' | 'judge' };
  /** What "quality" means for the frontier and cost_saved: raw performance, or the judge score. */
  quality_metric: 'performance' | 'judge_score';
  overall: ScopeReport;
  tasks: Record<string, ScopeReport>;
}

export interface ReportTaskInfo {
  domain: string;
  train_queries: number;
  validation_queries: number;
  test_queries: number;
}

export interface BenchmarkReport {
  schema_version: number;
  report: 'fusionfactory.benchmark';
  dataset: {
    name: string | null;
    queries: number;
    train_queries: number;
    /** Part of train, held out to choose champions. */
    validation_queries: number;
    test_queries: number;
    candidates: string[];
    tasks: Record<string, ReportTaskInfo>;
    split: { source: 'records' | 'seeded' | 'given'; seed: number | null; test_fraction: number | null };
    has_judge_scores: boolean;
    /** Query x candidate cells without a value (absent: no outcome at all for that candidate). */
    missing_values: { absent: number; performance: number; cost_usd: number; judge_score: number };
    issues: Record<string, number>;
  };
  settings: {
    seed: number;
    validation_fraction: number;
    ranking_k: number[];
    trainers: string[];
    champion_rule: string;
    best_single_rule: string;
    random_rule: string;
    oracle_rule: string;
    normalisation: string;
    missing_values: string;
    relevance: string;
    gap_closed: string;
    overall: string;
  };
  scenarios: Record<string, ScenarioReport>;
}
