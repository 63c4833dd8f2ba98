import type { DistillationResponse } from './distillation-response';
import type { DistillationSetting } from './dataset-setting';
import { formatGoldOutput, taskFamilyOf } from './task-family';
import { stripThinkPhrase } from './think-phrase';

/** One Alpaca-format SFT example (LLaMA-Factory's `alpaca` format). */
export interface AlpacaRecord {
  instruction: string;
  input: string;
  output: string;
}

/** The instruction of every record (paper §5). */
export const SFT_INSTRUCTION = 'Answer the following questions as required.';

export interface SftDataset {
  records: AlpacaRecord[];
  /** Queries that contributed at least one record. */
  queries: number;
  /** Responses passed over: scored 0, or (outside `judge`) not scored at all. */
  skippedResponses: number;
  /** Queries with no ground truth, so no gold record. */
  queriesWithoutGroundTruth: number;
}

type Key = (r: DistillationResponse) => number | null;

const performanceOf: Key = (r) => r.performance;
const judgeOf: Key = (r) => r.judgeScore;
const outputTokensOf: Key = (r) => r.outputTokens;

/** Sort keys per setting, all descending (paper §5); `baseline` sorts like `perf`. */
const SORT_KEYS: Readonly<Record<DistillationSetting, readonly Key[]>> = {
  perf: [performanceOf, outputTokensOf],
  judge: [judgeOf, outputTokensOf],
  hybrid: [performanceOf, judgeOf],
  baseline: [performanceOf, outputTokensOf],
};

function compareDesc(keys: readonly Key[]): (a: DistillationResponse, b: DistillationResponse) => number {
  return (a, b) => {
    for (const key of keys) {
      const x = key(a);
      const y = key(b);
      // Missing values sort after present ones.
      if (x === null || y === null) {
        if (x !== y) return x === null ? 1 : -1;
        continue;
      }
      if (x !== y) return y - x;
    }
    return (
      a.llm.localeCompare(b.llm) ||
      a.promptMode.localeCompare(b.promptMode) ||
      a.recordId.localeCompare(b.recordId)
    );
  };
}

/** Sorts one query's rows by the setting's keys (descending, missing last, then a stable tie-break). */
export function rankResponses(
  rows: readonly DistillationResponse[],
  setting: DistillationSetting,
): DistillationResponse[] {
  return [...rows].sort(compareDesc(SORT_KEYS[setting]));
}

interface QueryRows {
  taskName: string;
  queryId: string;
  input: string;
  rows: DistillationResponse[];
}

/** A query before its rows are loaded. */
export interface SftQueryRef {
  taskName: string;
  queryId: string;
  query: string;
}

const byTaskInputId = (
  a: { taskName: string; input: string; queryId: string },
  b: { taskName: string; input: string; queryId: string },
): number =>
  a.taskName.localeCompare(b.taskName) ||
  a.input.localeCompare(b.input) ||
  a.queryId.localeCompare(b.queryId);

/** Queries in dataset order (task, then text without the think instruction, then id). */
export function orderSftQueries(queries: readonly SftQueryRef[]): SftQueryRef[] {
  return queries
    .map((q) => ({ ...q, input: stripThinkPhrase(q.query) }))
    .sort(byTaskInputId)
    .map(({ taskName, queryId, query }) => ({ taskName, queryId, query }));
}

function groupQueries(rows: readonly DistillationResponse[]): QueryRows[] {
  const groups = new Map<string, QueryRows>();
  for (const r of rows) {
    const key = `${r.taskName}\u0000${r.queryId}`;
    const g = groups.get(key);
    if (!g)
      groups.set(key, {
        taskName: r.taskName,
        queryId: r.queryId,
        input: stripThinkPhrase(r.query),
        rows: [r],
      });
    else {
      g.rows.push(r);
      if (r.promptMode === 'direct') g.input = stripThinkPhrase(r.query);
    }
  }
  return [...groups.values()].sort(byTaskInputId);
}

/**
 * The SFT dataset of paper §5, per query (tasks and queries in sorted order):
 * 1. a gold record: the query without the think instruction, and its ground truth formatted by task family;
 * 2. unless `baseline`: up to `topK` response records, walking the rows sorted by the setting's keys.
 *
 * Fixes of the reference script's bugs (§8.3.4): a response that scored 0 is skipped rather than ending the
 * walk (which also cut the judge-sorted list short), and every record's input has the think instruction
 * removed, not just the gold one's. Rows without a performance score are skipped too, except under `judge`
 * where a judge score stands in for it. `baseline` repeats the gold records k+1 times (Top-K Label only SFT).
 *
 * Rows can be added in batches of whole queries (in dataset order), so a large log never sits in memory at once.
 */
export class SftDatasetAccumulator {
  private readonly gold: AlpacaRecord[] = [];
  private readonly records: AlpacaRecord[] = [];
  private queries = 0;
  private skippedResponses = 0;
  private queriesWithoutGroundTruth = 0;

  constructor(private readonly opts: { setting: DistillationSetting; topK: number }) {}

  /** Adds every row of some queries (a query's rows must all come in one call). */
  add(rows: readonly DistillationResponse[]): void {
    const { setting, topK } = this.opts;
    for (const q of groupQueries(rows)) {
      const before = this.records.length + this.gold.length;
      const withTruth =
        q.rows.find((r) => r.promptMode === 'direct' && r.groundTruth !== null) ??
        q.rows.find((r) => r.groundTruth !== null);
      if (withTruth?.groundTruth != null) {
        const goldRecord = {
          instruction: SFT_INSTRUCTION,
          input: q.input,
          output: formatGoldOutput(withTruth.groundTruth, taskFamilyOf(q.taskName, withTruth.metric)),
        };
        (setting === 'baseline' ? this.gold : this.records).push(goldRecord);
      } else {
        this.queriesWithoutGroundTruth += 1;
      }
      if (setting !== 'baseline') {
        let taken = 0;
        for (const r of rankResponses(
          q.rows.filter((x) => x.response.trim() !== ''),
          setting,
        )) {
          if (taken >= topK) break;
          const usable =
            r.performance === null
              ? setting === 'judge' && r.judgeScore !== null && r.judgeScore > 0
              : r.performance > 0;
          if (!usable) {
            this.skippedResponses += 1;
            continue;
          }
          this.records.push({ instruction: SFT_INSTRUCTION, input: q.input, output: r.response });
          taken += 1;
        }
      }
      if (this.records.length + this.gold.length > before) this.queries += 1;
    }
  }

  result(): SftDataset {
    const records = [...this.records];
    if (this.opts.setting === 'baseline')
      for (let i = 0; i <= this.opts.topK; i++) records.push(...this.gold);
    return {
      records,
      queries: this.queries,
      skippedResponses: this.skippedResponses,
      queriesWithoutGroundTruth: this.queriesWithoutGroundTruth,
    };
  }
}

/** The whole dataset of `rows` at once (see {@link SftDatasetAccumulator}). */
export function buildSftDataset(
  rows: readonly DistillationResponse[],
  opts: { setting: DistillationSetting; topK: number },
): SftDataset {
  const acc = new SftDatasetAccumulator(opts);
  acc.add(rows);
  return acc.result();
}
