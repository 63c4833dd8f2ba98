import { candidateOf, PROMPT_MODES, type LogRecord, type Split } from '@fusion/contracts';
import { DomainError, type FieldViolation } from '@fusion/shared/kernel';
import { seededSplit } from './query-split';
import type { BenchmarkQuery, CandidateOutcome } from './strategy';

/** Where the train/test split of a benchmark came from. */
export interface SplitInfo {
  /** `records`: the logs' own `split`; `seeded`: a seeded split by query id; `given`: the caller's queries as is. */
  source: 'records' | 'seeded' | 'given';
  seed: number | null;
  testFraction: number | null;
}

export interface BuildBenchmarkOptions {
  /** Seed of the split by query id, used when the records carry no usable split (or `resplit` is set). */
  seed?: number;
  /** Share of each task's queries that goes to test in a seeded split; default 0.2. */
  testFraction?: number;
  /** Ignore the records' splits and make a seeded split (needs `seed`). */
  resplit?: boolean;
}

/** Benchmark input built from logs: one query per queryId, with every candidate's outcome. */
export interface BenchmarkDataset {
  queries: BenchmarkQuery[];
  /** Sorted union of the candidates seen (`llm` or `llm:think`). */
  candidates: string[];
  split: SplitInfo;
  /** Counts per reason of records that were not used as they came (never dropped silently). */
  issues: Record<string, number>;
}

export const DEFAULT_TEST_FRACTION = 0.2;
const MAX_VIOLATIONS = 20;

/** The message every "no split" error carries: how to supply one. */
export function missingSplitHint(): string {
  return (
    "supply one: set split ('train' | 'test') on every log record (both must occur), " +
    `or pass a seed (CLI: --seed 42) for a seeded split by query id, stratified by task (test fraction default ${DEFAULT_TEST_FRACTION}, CLI: --test-fraction)`
  );
}

function checkRecord(r: LogRecord, i: number, out: FieldViolation[]): void {
  const f = (name: string) => `records[${i}].${name}`;
  const nonEmpty = (name: 'queryId' | 'taskName' | 'llm') => {
    if (typeof r[name] !== 'string' || r[name].trim() === '')
      out.push({ field: f(name), reason: 'must be a non-empty string' });
  };
  nonEmpty('queryId');
  nonEmpty('taskName');
  nonEmpty('llm');
  if (!PROMPT_MODES.includes(r.promptMode)) {
    out.push({
      field: f('promptMode'),
      reason: `must be one of ${PROMPT_MODES.join(', ')}, got ${String(r.promptMode)}`,
    });
  }
  const unit = (name: 'performance' | 'judgeScore') => {
    const v = r[name];
    if (v !== null && (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > 1)) {
      out.push({ field: f(name), reason: `must be null or a number in [0, 1], got ${String(v)}` });
    }
  };
  unit('performance');
  unit('judgeScore');
  if (r.costUsd !== null && (typeof r.costUsd !== 'number' || !Number.isFinite(r.costUsd) || r.costUsd < 0)) {
    out.push({
      field: f('costUsd'),
      reason: `must be null or a finite number >= 0, got ${String(r.costUsd)}`,
    });
  }
  if (r.split !== null && r.split !== 'train' && r.split !== 'test') {
    out.push({ field: f('split'), reason: `must be null, 'train' or 'test', got ${String(r.split)}` });
  }
}

interface Group {
  first: number;
  records: { record: LogRecord; index: number }[];
}

/**
 * Builds benchmark queries from log records: grouped by queryId, one outcome per candidate
 * (`candidateOf(llm, promptMode)`). The split comes from the records when every query has one and both train and
 * test occur; otherwise a seed is required and the split is seeded by query id (stratified by task). Without either,
 * it throws FAILED_PRECONDITION saying how to supply one. Queries are ordered by (task, queryId), outcomes by candidate.
 */
export function buildBenchmarkQueries(
  records: readonly LogRecord[],
  options: BuildBenchmarkOptions = {},
): BenchmarkDataset {
  if (records.length === 0) throw DomainError.invalidArgument('records', 'no log records to benchmark');
  const testFraction = options.testFraction ?? DEFAULT_TEST_FRACTION;
  if (!Number.isFinite(testFraction) || testFraction <= 0 || testFraction >= 1) {
    throw DomainError.invalidArgument('testFraction', `must be in (0, 1), got ${String(testFraction)}`);
  }
  if (options.seed !== undefined && !Number.isSafeInteger(options.seed)) {
    throw DomainError.invalidArgument('seed', `must be an integer, got ${String(options.seed)}`);
  }

  const violations: FieldViolation[] = [];
  records.forEach((r, i) => checkRecord(r, i, violations));

  const groups = new Map<string, Group>();
  records.forEach((record, index) => {
    const g = groups.get(record.queryId);
    if (g) g.records.push({ record, index });
    else groups.set(record.queryId, { first: index, records: [{ record, index }] });
  });

  const issues: Record<string, number> = {};
  const count = (reason: string) => {
    issues[reason] = (issues[reason] ?? 0) + 1;
  };
  const candidates = new Set<string>();
  const built: { query: BenchmarkQuery; recordSplit: Split | null }[] = [];

  for (const [queryId, group] of groups) {
    const head = group.records[0]?.record;
    if (!head) continue;
    let recordSplit: Split | null = null;
    let splitFrom = -1;
    const outcomes = new Map<string, CandidateOutcome>();
    const recordIds = new Map<string, string>();
    for (const { record, index } of group.records) {
      if (record.taskName !== head.taskName) {
        violations.push({
          field: `records[${index}].taskName`,
          reason: `query ${queryId} has task "${head.taskName}" in records[${group.first}] but "${record.taskName}" here`,
        });
      }
      if (record.split === 'train' || record.split === 'test') {
        if (recordSplit !== null && record.split !== recordSplit) {
          violations.push({
            field: `records[${index}].split`,
            reason: `query ${queryId} is '${recordSplit}' in records[${splitFrom}] but '${record.split}' here`,
          });
        } else if (recordSplit === null) {
          recordSplit = record.split;
          splitFrom = index;
        }
      }
      const candidate = candidateOf(record.llm, record.promptMode);
      const seenId = recordIds.get(candidate);
      if (seenId !== undefined) {
        // The same record re-sent is idempotent; a second, different answer for the same candidate is a conflict.
        count(seenId === record.recordId ? 'duplicate_record' : 'conflicting_outcome_kept_first');
        continue;
      }
      recordIds.set(candidate, record.recordId);
      candidates.add(candidate);
      outcomes.set(candidate, {
        candidate,
        performance: record.performance,
        costUsd: record.costUsd,
        judgeScore: record.judgeScore,
      });
    }
    // Think records carry the think prompt; the query a router sees is the direct one.
    const text =
      (group.records.find((r) => r.record.promptMode === 'direct') ?? group.records[0])?.record.query ?? '';
    built.push({
      recordSplit,
      query: {
        queryId,
        taskName: head.taskName,
        taskDomain: head.taskDomain,
        query: text,
        split: recordSplit ?? 'train',
        outcomes: [...outcomes.values()].sort((a, b) => cmp(a.candidate, b.candidate)),
      },
    });
  }

  if (violations.length > 0) {
    const shown = violations.slice(0, MAX_VIOLATIONS);
    const err = DomainError.invalidArguments(shown);
    if (violations.length > MAX_VIOLATIONS) {
      err.message += `; and ${violations.length - MAX_VIOLATIONS} more`;
    }
    throw err;
  }

  const marked = { train: 0, test: 0, none: 0 };
  for (const b of built) marked[b.recordSplit ?? 'none'] += 1;
  const recordsUsable = marked.none === 0 && marked.train > 0 && marked.test > 0;

  let split: SplitInfo;
  if (recordsUsable && !options.resplit) {
    split = { source: 'records', seed: null, testFraction: null };
  } else if (options.seed !== undefined) {
    const { selected } = seededSplit(built, {
      seed: options.seed,
      fraction: testFraction,
      salt: 'test-split',
      idOf: (b) => b.query.queryId,
      groupOf: (b) => b.query.taskName,
    });
    const test = new Set(selected);
    for (const b of built) b.query.split = test.has(b) ? 'test' : 'train';
    if (selected.length === 0) {
      throw DomainError.failedPrecondition(
        `a seeded split needs a task with at least 2 queries; the ${built.length} queries give no test query`,
        { queries: built.length },
      );
    }
    split = { source: 'seeded', seed: options.seed, testFraction };
  } else {
    const why = options.resplit
      ? 'resplit was asked for but no seed was given'
      : `benchmark data has no usable train/test split (${built.length} queries: ${marked.test} marked test, ${marked.train} train, ${marked.none} unmarked) and no seed was given`;
    throw DomainError.failedPrecondition(`${why}; ${missingSplitHint()}`, { ...marked });
  }

  const queries = built
    .map((b) => b.query)
    .sort((a, b) => cmp(a.taskName, b.taskName) || cmp(a.queryId, b.queryId));
  return { queries, candidates: [...candidates].sort(cmp), split, issues: sortKeys(issues) };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function sortKeys(o: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => cmp(a, b)));
}
