import { parseCandidate } from '@fusion/contracts';
import { seededSplit, type BenchmarkQuery } from '@fusion/evaluation';
import { DomainError } from '@fusion/shared/kernel';
import type { Embedder } from '@fusion/shared/llm';
import { buildTrainingSet, type RoutingSample, type TrainingSet } from '../../domain/training-set';
import type { StoredSample } from '../ports/routing-sample.store.port';
import { embedAll, embedQueries } from '../strategies/benchmark-samples';
import type { HeldOutSet } from './router-training.job';

/** One (query, candidate) cell: the mean over every record logged for it (live traffic can log a pair twice). */
export interface SampleCell extends RoutingSample {
  records: number;
  split: 'train' | 'test' | null;
}

const mean = (values: number[]): number | null =>
  values.length === 0 ? null : values.reduce((a, b) => a + b, 0) / values.length;

/** Collapses records to one cell per (query, candidate), averaging outcomes; a query keeps its first split seen. */
export function aggregateSamples(samples: readonly StoredSample[]): SampleCell[] {
  const groups = new Map<string, StoredSample[]>();
  for (const s of samples) {
    const key = `${s.queryId}\u0000${s.candidate}`;
    const g = groups.get(key);
    if (g) g.push(s);
    else groups.set(key, [s]);
  }
  const splitOf = new Map<string, 'train' | 'test'>();
  for (const s of samples) if (s.split && !splitOf.has(s.queryId)) splitOf.set(s.queryId, s.split);
  const taskOf = new Map<string, { taskName: string; taskDomain: string; query: string }>();
  for (const s of samples) if (!taskOf.has(s.queryId)) taskOf.set(s.queryId, s);
  const nums = (g: StoredSample[], f: (s: StoredSample) => number | null | undefined): number[] =>
    g.map(f).filter((x): x is number => typeof x === 'number' && Number.isFinite(x));
  return [...groups.values()].map((g) => {
    const first = g[0]!;
    const task = taskOf.get(first.queryId)!;
    return {
      queryId: first.queryId,
      taskName: task.taskName,
      taskDomain: task.taskDomain,
      query: task.query,
      candidate: first.candidate,
      performance: mean(nums(g, (s) => s.performance)),
      costUsd: mean(nums(g, (s) => s.costUsd)),
      judgeScore: mean(nums(g, (s) => s.judgeScore)),
      latencyMs: mean(nums(g, (s) => s.latencyMs)),
      records: g.length,
      split: splitOf.get(first.queryId) ?? null,
    };
  });
}

export interface QuerySplit {
  train: SampleCell[];
  heldOut: SampleCell[];
  /** How the held-out side was chosen, for reports. */
  method: string;
}

/**
 * Train / held-out by query: the record's split when logged (`test` is held out), otherwise seeded by query id
 * (stratified per task, `fraction` held out). When the logged splits leave a side empty, a seeded, stratified
 * share of the other side fills it, so the gate always has a held-out set.
 */
export function splitSamples(cells: readonly SampleCell[], seed: number, fraction: number): QuerySplit {
  const queries = new Map<string, { queryId: string; taskName: string; split: 'train' | 'test' | null }>();
  for (const c of cells) if (!queries.has(c.queryId)) queries.set(c.queryId, c);
  if (queries.size < 2) {
    throw DomainError.failedPrecondition(
      `training needs scored samples of at least 2 distinct queries (one to train on, one held out); found ${queries.size}`,
    );
  }
  const list = [...queries.values()];
  const unsplit = list.filter((q) => q.split === null);
  const seeded = seededSplit(unsplit, {
    seed,
    fraction,
    salt: 'routing-held-out',
    idOf: (q) => q.queryId,
    groupOf: (q) => q.taskName,
  });
  let held = new Set([...list.filter((q) => q.split === 'test'), ...seeded.selected].map((q) => q.queryId));
  let method =
    unsplit.length === list.length
      ? `seeded by query id (${fraction} held out)`
      : 'logged split (test held out)';
  if (unsplit.length > 0 && unsplit.length < list.length)
    method += `, unsplit queries seeded (${fraction} held out)`;
  const pick = (pool: typeof list, f: number): Set<string> =>
    new Set(
      seededSplit(pool, {
        seed,
        fraction: f,
        salt: 'routing-held-out-fill',
        idOf: (q) => q.queryId,
        groupOf: (q) => q.taskName,
      }).selected.map((q) => q.queryId),
    );
  if (held.size === 0) {
    held = pick(list, fraction);
    method = `seeded by query id (${fraction} held out; the log holds no test split)`;
  } else if (held.size === list.length) {
    const trainSide = pick(list, 1 - fraction);
    held = new Set(list.filter((q) => !trainSide.has(q.queryId)).map((q) => q.queryId));
    method = `seeded by query id (${fraction} held out; the log holds no train split)`;
  }
  if (held.size === 0 || held.size === list.length) {
    // Every task has a single query: seeded split cannot stratify, so hold out one query.
    const sorted = list.map((q) => q.queryId).sort();
    held = new Set([sorted[0]!]);
    method = 'one query held out (too few queries per task to stratify)';
  }
  return {
    train: cells.filter((c) => !held.has(c.queryId)),
    heldOut: cells.filter((c) => held.has(c.queryId)),
    method,
  };
}

/** Held-out cells as harness queries (one per query, outcomes per candidate), in query-id order. */
export function benchmarkQueriesOf(cells: readonly SampleCell[]): BenchmarkQuery[] {
  const byQuery = new Map<string, BenchmarkQuery>();
  for (const c of cells) {
    let q = byQuery.get(c.queryId);
    if (!q) {
      q = {
        queryId: c.queryId,
        taskName: c.taskName,
        taskDomain: c.taskDomain,
        query: c.query,
        split: 'test',
        outcomes: [],
      };
      byQuery.set(c.queryId, q);
    }
    q.outcomes.push({
      candidate: c.candidate,
      performance: c.performance,
      costUsd: c.costUsd,
      judgeScore: c.judgeScore,
    });
  }
  return [...byQuery.values()].sort((a, b) => (a.queryId < b.queryId ? -1 : a.queryId > b.queryId ? 1 : 0));
}

/** Everything a training or an evaluation needs, embedded. */
export interface PreparedData {
  train: TrainingSet;
  heldOut: HeldOutSet;
  trainRecords: number;
  trainQueries: number;
  candidates: string[];
  splitMethod: string;
}

/**
 * Embeds the queries and builds the training set (with candidate descriptors for inductive routers) and the
 * held-out set. `describe` gives the descriptor text of a candidate (default "<llm> <prompt mode>").
 */
export async function prepareTrainingData(
  samples: readonly StoredSample[],
  embedder: Embedder,
  options: { seed: number; heldOutFraction: number; describe?: (candidate: string) => string },
): Promise<PreparedData> {
  const cells = aggregateSamples(samples);
  const split = splitSamples(cells, options.seed, options.heldOutFraction);
  const vectors = await embedQueries(embedder, cells);
  const candidates = [...new Set(cells.map((c) => c.candidate))].sort();
  const describe =
    options.describe ??
    ((c: string): string => {
      const { llm, promptMode } = parseCandidate(c);
      return `${llm} ${promptMode}`;
    });
  const descriptorVectors = await embedAll(embedder, candidates.map(describe));
  const train = buildTrainingSet(split.train, (id) => vectors.get(id), {
    embeddingSpace: embedder.id,
    descriptors: new Map(candidates.map((c, i) => [c, descriptorVectors[i]!])),
  });
  const queries = benchmarkQueriesOf(split.heldOut);
  const D = embedder.dimension;
  const embeddings = new Float32Array(queries.length * D);
  queries.forEach((q, i) => embeddings.set(vectors.get(q.queryId)!, i * D));
  return {
    train,
    heldOut: { queries, embeddings, dimension: D },
    trainRecords: split.train.reduce((n, c) => n + c.records, 0),
    trainQueries: train.queryIds.length,
    candidates,
    splitMethod: split.method,
  };
}
