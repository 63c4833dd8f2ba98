import { DomainError, ErrorCode, SeededRandom } from '@fusion/shared/kernel';
import {
  RANKING_KS,
  type EntryKind,
  type EntrySelection,
  type MetricsEntry,
  type RankingMetrics,
} from './benchmark-report';
import { seededInt } from './query-split';
import { hitAtK, ndcgAtK, reciprocalRank } from './ranking-metrics';
import type { RewardTable } from './reward-table';
import type { RankedPrediction } from './strategy';

/** What one strategy or baseline chose on every row of a reward table. */
export interface Selection {
  name: string;
  kind: EntryKind;
  candidate: string | null;
  /** Candidate index chosen per table row. */
  picks: number[];
  /** Candidate indices ranked best first per row; null for rows that do not rank. */
  rankings: number[][] | null;
}

/** Always the same candidate. */
export function singleSelection(
  table: RewardTable,
  candidate: number,
  kind: EntryKind = 'single',
): Selection {
  const name = table.candidates[candidate] ?? '';
  return { name, kind, candidate: name, picks: table.rows.map(() => candidate), rankings: null };
}

/** Argmax of the true reward per query (first maximum); ranks every candidate by true reward. */
export function oracleSelection(table: RewardTable): Selection {
  const rankings = table.rows.map((row) =>
    row.cells
      .map((cell, i) => ({ i, r: cell.reward }))
      .sort((a, b) => b.r - a.r || a.i - b.i)
      .map((x) => x.i),
  );
  return { name: 'oracle', kind: 'oracle', candidate: null, picks: table.rows.map((r) => r.best), rankings };
}

/** A uniform random order per query, seeded by (seed, queryId): the same query gets the same draw everywhere. */
export function randomSelection(table: RewardTable, seed: number): Selection {
  const rankings = table.rows.map((row) =>
    new SeededRandom(seededInt(seed, 'random-baseline', row.query.queryId)).shuffle(
      table.candidates.map((_, i) => i),
    ),
  );
  return { name: 'random', kind: 'random', candidate: null, picks: rankings.map((r) => r[0] ?? 0), rankings };
}

/**
 * A strategy's choices from its ranked predictions (one list per row, best first). Names the table does not
 * know are skipped; the pick is the first known candidate. A list with none is an error naming the query.
 */
export function strategySelection(
  table: RewardTable,
  name: string,
  predictions: readonly (readonly RankedPrediction[])[],
): Selection {
  if (!Array.isArray(predictions) || predictions.length !== table.rows.length) {
    throw new DomainError(
      ErrorCode.Internal,
      `strategy "${name}" returned ${Array.isArray(predictions) ? predictions.length : typeof predictions} ranking lists for ${table.rows.length} queries (scenario ${table.scenario.name})`,
    );
  }
  const rankings = predictions.map((list, row) => {
    const seen = new Set<number>();
    for (const p of Array.isArray(list) ? list : []) {
      const i = typeof p?.candidate === 'string' ? table.candidateIndex.get(p.candidate) : undefined;
      if (i !== undefined && !seen.has(i)) seen.add(i);
    }
    if (seen.size === 0) {
      throw new DomainError(
        ErrorCode.Internal,
        `strategy "${name}" ranked no known candidate for query ${table.rows[row]?.query.queryId ?? row} (scenario ${table.scenario.name})`,
      );
    }
    return [...seen];
  });
  return { name, kind: 'strategy', candidate: null, picks: rankings.map((r) => r[0] ?? 0), rankings };
}

/** Mean reward of a selection over some rows (0 rows: 0). */
export function meanReward(table: RewardTable, selection: Selection, rows: readonly number[]): number {
  let sum = 0;
  for (const r of rows) sum += table.rows[r]?.cells[selection.picks[r] ?? 0]?.reward ?? 0;
  return rows.length > 0 ? sum / rows.length : 0;
}

/** The candidate with the highest mean reward over `rows` (ties: first in candidate order). */
export function bestSingleCandidate(
  table: RewardTable,
  rows: readonly number[],
): { index: number; reward: number } {
  let index = 0;
  let reward = -Infinity;
  table.candidates.forEach((_, c) => {
    let sum = 0;
    for (const r of rows) sum += table.rows[r]?.cells[c]?.reward ?? 0;
    const mean = rows.length > 0 ? sum / rows.length : 0;
    if (mean > reward + 1e-12) {
      index = c;
      reward = mean;
    }
  });
  return { index, reward };
}

/** Metrics of a selection over some rows of a table; `gap_closed` is filled in once best single and oracle are known. */
export function summariseSelection(
  table: RewardTable,
  selection: Selection,
  rows: readonly number[],
  opts: { hasJudge: boolean; selectionInfo?: EntrySelection | null },
): MetricsEntry {
  const n = rows.length;
  let perf = 0;
  let perfNorm = 0;
  let judge = 0;
  let cost = 0;
  let costNorm = 0;
  let reward = 0;
  let imputed = 0;
  const choices = new Map<string, number>();
  const ranking = { ndcg: [0, 0, 0], hit: [0, 0, 0], mrr: 0 };
  const ks = RANKING_KS;
  for (const r of rows) {
    const row = table.rows[r];
    const pick = selection.picks[r];
    const cell = pick === undefined ? undefined : row?.cells[pick];
    if (!row || pick === undefined || !cell) continue;
    perf += cell.performance;
    perfNorm += cell.performanceNormalised;
    judge += cell.judgeScore;
    cost += cell.costUsd;
    costNorm += cell.costNormalised;
    reward += cell.reward;
    if (cell.imputed) imputed += 1;
    const name = table.candidates[pick] ?? '';
    choices.set(name, (choices.get(name) ?? 0) + 1);
    const ranked = selection.rankings?.[r];
    if (ranked) {
      const relevance = ranked.map((i) => row.relevant.has(i));
      ks.forEach((k, j) => {
        ranking.ndcg[j] = (ranking.ndcg[j] ?? 0) + ndcgAtK(relevance, k, row.relevant.size);
        ranking.hit[j] = (ranking.hit[j] ?? 0) + hitAtK(relevance, k);
      });
      ranking.mrr += reciprocalRank(relevance);
    }
  }
  const mean = (x: number) => (n > 0 ? x / n : 0);
  const rankingOut: RankingMetrics | null = selection.rankings
    ? {
        ndcg_at_1: mean(ranking.ndcg[0] ?? 0),
        ndcg_at_3: mean(ranking.ndcg[1] ?? 0),
        ndcg_at_5: mean(ranking.ndcg[2] ?? 0),
        hit_at_1: mean(ranking.hit[0] ?? 0),
        hit_at_3: mean(ranking.hit[1] ?? 0),
        hit_at_5: mean(ranking.hit[2] ?? 0),
        mrr: mean(ranking.mrr),
      }
    : null;
  return {
    name: selection.name,
    kind: selection.kind,
    candidate: selection.candidate,
    queries: n,
    performance: mean(perf),
    performance_normalised: mean(perfNorm),
    judge_score: opts.hasJudge ? mean(judge) : null,
    cost_usd: mean(cost),
    cost_usd_total: cost,
    cost_normalised: mean(costNorm),
    reward: mean(reward),
    gap_closed: null,
    ranking: rankingOut,
    choices: Object.fromEntries(
      [...choices.entries()].sort(([a, x], [b, y]) => y - x || (a < b ? -1 : a > b ? 1 : 0)),
    ),
    imputed_outcomes: imputed,
    selection: opts.selectionInfo ?? null,
  };
}

/** (r - r_best) / (r_oracle - r_best); null when the oracle does no better than the best single. */
export function gapClosed(reward: number, bestSingleReward: number, oracleReward: number): number | null {
  const span = oracleReward - bestSingleReward;
  return span > 1e-12 ? (reward - bestSingleReward) / span : null;
}
