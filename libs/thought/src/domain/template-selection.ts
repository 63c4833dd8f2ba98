import { DomainError } from '@fusion/shared/kernel';
import type { ThoughtResponse } from './thought-response';

/** How a query's best responses are picked before they are summarised (paper §4.1 step 4, Fig. 6). */
export type SelectionStrategy = 'performance' | 'judge' | 'hybrid';
export const SELECTION_STRATEGIES: readonly SelectionStrategy[] = ['performance', 'judge', 'hybrid'];
export const DEFAULT_SELECTION: SelectionStrategy = 'hybrid';

/** Responses kept per query (`top_n` in the paper) and the hybrid strategy's first cut. */
export const SELECTED_PER_QUERY = 3;
export const HYBRID_FIRST_CUT = 5;

/** The strategy named by `value` (empty = hybrid); INVALID_ARGUMENT on `field` otherwise. */
export function parseSelection(value: string, field = 'selection'): SelectionStrategy {
  const v = value.trim().toLowerCase();
  if (v === '') return DEFAULT_SELECTION;
  if ((SELECTION_STRATEGIES as readonly string[]).includes(v)) return v as SelectionStrategy;
  throw DomainError.invalidArgument(
    field,
    `unknown selection '${value}'; use ${SELECTION_STRATEGIES.join(', ')}`,
  );
}

type Key = (r: ThoughtResponse) => number | null;

// Missing scores sort after every present one; missing costs after every known cost.
function desc(key: Key): (a: ThoughtResponse, b: ThoughtResponse) => number {
  return (a, b) => {
    const x = key(a);
    const y = key(b);
    if (x === null || y === null) return x === y ? 0 : x === null ? 1 : -1;
    return y - x;
  };
}

const costAsc = (a: ThoughtResponse, b: ThoughtResponse): number =>
  (a.costUsd ?? Number.POSITIVE_INFINITY) - (b.costUsd ?? Number.POSITIVE_INFINITY) || 0;

// A total order, so the same log always yields the same selection.
const tieBreak = (a: ThoughtResponse, b: ThoughtResponse): number =>
  a.llm.localeCompare(b.llm) ||
  a.promptMode.localeCompare(b.promptMode) ||
  a.recordId.localeCompare(b.recordId);

function sortBy(rows: readonly ThoughtResponse[], primary: Key): ThoughtResponse[] {
  const byPrimary = desc(primary);
  return [...rows].sort((a, b) => byPrimary(a, b) || costAsc(a, b) || tieBreak(a, b));
}

const performanceOf: Key = (r) => r.performance;
const judgeOf: Key = (r) => r.judgeScore;

/**
 * The responses a template is summarised from. Empty responses (failed calls) never count.
 * - performance: top 3 by performance desc, cost asc;
 * - judge: top 3 by judge score desc, cost asc;
 * - hybrid (the paper's only implemented strategy): top 5 by performance desc, cost asc, then of those the
 *   top 3 by judge score desc, cost asc.
 * Rows without the sort key's score come last.
 */
export function selectResponses(
  rows: readonly ThoughtResponse[],
  strategy: SelectionStrategy,
): ThoughtResponse[] {
  const answered = rows.filter((r) => r.response.trim() !== '');
  switch (strategy) {
    case 'performance':
      return sortBy(answered, performanceOf).slice(0, SELECTED_PER_QUERY);
    case 'judge':
      return sortBy(answered, judgeOf).slice(0, SELECTED_PER_QUERY);
    case 'hybrid':
      return sortBy(sortBy(answered, performanceOf).slice(0, HYBRID_FIRST_CUT), judgeOf).slice(
        0,
        SELECTED_PER_QUERY,
      );
  }
}
