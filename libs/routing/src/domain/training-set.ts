import { DomainError, SeededRandom, type FieldViolation } from '@fusion/shared/kernel';
import { unitCopy } from './vector-math';

/** One logged outcome: a candidate (LLM in one prompt mode) answering one query. The scored-log projection. */
export interface RoutingSample {
  queryId: string;
  taskName: string;
  taskDomain: string;
  query: string;
  candidate: string;
  /** Task metric in [0, 1]; null when the log has none. */
  performance: number | null;
  costUsd: number | null;
  /** Judge score in [0, 1]; null when not judged. */
  judgeScore: number | null;
  latencyMs?: number | null;
}

/** Per-task min-max ranges, taken over every observed cell of the task (all candidates, all queries). */
export interface TaskNormStats {
  task: string;
  perfMin: number;
  perfMax: number;
  costMin: number;
  costMax: number;
  judgeMin: number;
  judgeMax: number;
}

/**
 * Dense queries x candidates matrix built from samples. Missing cells are NaN (each value array doubles as its
 * own mask). Embeddings are L2-normalised, row-major (queries x dimension). Order is sorted (queries by id,
 * tasks and candidates by name), so the set does not depend on the order the samples came in.
 */
export interface TrainingSet {
  readonly queryIds: readonly string[];
  readonly tasks: readonly string[];
  readonly taskDomains: readonly string[];
  readonly candidates: readonly string[];
  readonly dimension: number;
  /** Task index of each query. */
  readonly queryTask: Int32Array;
  /** Query length in characters (drives the cost model). */
  readonly queryLength: Float64Array;
  readonly embeddings: Float32Array;
  readonly performance: Float32Array;
  readonly costUsd: Float32Array;
  readonly judgeScore: Float32Array;
  readonly latencyMs: Float32Array;
  readonly stats: readonly TaskNormStats[];
  /** Optional candidate descriptor features (candidates x descriptorDimension), e.g. an embedded model card. */
  readonly descriptors: Float32Array | null;
  readonly descriptorDimension: number;
  /** Id of the embedding space the vectors live in (the Embedder's id), when known. */
  readonly embeddingSpace: string | null;
}

export interface BuildTrainingSetOptions {
  /** Descriptor feature vector per candidate (all the same length); candidates without one get zeros. */
  descriptors?: ReadonlyMap<string, Float32Array>;
  /** The Embedder's id; stored in artifacts so a router is never fed vectors from another space. */
  embeddingSpace?: string;
}

/** Min-max normalisation with a constant range mapped to 0 (never NaN). Not clamped: order beyond the range is kept. */
export function minMax(value: number, min: number, max: number): number {
  const range = max - min;
  return range > 0 ? (value - min) / range : 0;
}

/** The policy score `alpha * norm(perf) - beta * norm(cost)` with a task's train stats. */
export function scoreWithStats(
  stats: TaskNormStats,
  perf: number,
  cost: number,
  alpha: number,
  beta: number,
): number {
  return (
    alpha * minMax(perf, stats.perfMin, stats.perfMax) - beta * minMax(cost, stats.costMin, stats.costMax)
  );
}

const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

function checkScore(v: unknown, field: string, violations: FieldViolation[]): void {
  if (v === null || v === undefined) return;
  if (!isFiniteNumber(v) || v < 0 || v > 1)
    violations.push({ field, reason: `must be a number in [0, 1] or null, got ${String(v)}` });
}

function checkNonNegative(v: unknown, field: string, violations: FieldViolation[]): void {
  if (v === null || v === undefined) return;
  if (!isFiniteNumber(v) || v < 0)
    violations.push({ field, reason: `must be a non-negative number or null, got ${String(v)}` });
}

function checkText(v: unknown, field: string, violations: FieldViolation[]): void {
  if (typeof v !== 'string' || v.length === 0)
    violations.push({ field, reason: 'must be a non-empty string' });
}

/**
 * Builds the dense training matrix. `embeddingOf` supplies one vector per query id (any length, all equal).
 * Bad samples fail with INVALID_ARGUMENT naming `samples[i].<field>` (up to 20 violations reported at once).
 */
export function buildTrainingSet(
  samples: readonly RoutingSample[],
  embeddingOf: (queryId: string) => Float32Array | undefined,
  options: BuildTrainingSetOptions = {},
): TrainingSet {
  if (samples.length === 0) throw DomainError.invalidArgument('samples', 'at least one sample is needed');
  const violations: FieldViolation[] = [];
  const queryInfo = new Map<string, { task: string; domain: string; length: number; first: number }>();
  const candidateSet = new Set<string>();
  const taskDomain = new Map<string, string>();
  samples.forEach((s, i) => {
    const at = `samples[${i}]`;
    checkText(s.queryId, `${at}.queryId`, violations);
    checkText(s.taskName, `${at}.taskName`, violations);
    checkText(s.candidate, `${at}.candidate`, violations);
    if (typeof s.query !== 'string') violations.push({ field: `${at}.query`, reason: 'must be a string' });
    checkScore(s.performance, `${at}.performance`, violations);
    checkScore(s.judgeScore, `${at}.judgeScore`, violations);
    checkNonNegative(s.costUsd, `${at}.costUsd`, violations);
    checkNonNegative(s.latencyMs, `${at}.latencyMs`, violations);
    if (typeof s.queryId !== 'string' || typeof s.taskName !== 'string') return;
    const known = queryInfo.get(s.queryId);
    if (known === undefined) {
      queryInfo.set(s.queryId, {
        task: s.taskName,
        domain: s.taskDomain,
        length: s.query?.length ?? 0,
        first: i,
      });
    } else if (known.task !== s.taskName) {
      violations.push({
        field: `${at}.taskName`,
        reason: `query ${s.queryId} is task '${known.task}' in samples[${known.first}] but '${s.taskName}' here`,
      });
    }
    const domain = taskDomain.get(s.taskName);
    if (domain === undefined) taskDomain.set(s.taskName, s.taskDomain);
    if (typeof s.candidate === 'string') candidateSet.add(s.candidate);
  });
  if (violations.length > 0) throw DomainError.invalidArguments(violations.slice(0, 20));

  const queryIds = [...queryInfo.keys()].sort();
  const tasks = [...taskDomain.keys()].sort();
  const candidates = [...candidateSet].sort();
  const qIndex = new Map(queryIds.map((q, i) => [q, i]));
  const tIndex = new Map(tasks.map((t, i) => [t, i]));
  const cIndex = new Map(candidates.map((c, i) => [c, i]));
  const Q = queryIds.length;
  const C = candidates.length;

  let dimension = -1;
  let embeddings = new Float32Array(0);
  const queryTask = new Int32Array(Q);
  const queryLength = new Float64Array(Q);
  for (let q = 0; q < Q; q++) {
    const id = queryIds[q] as string;
    const info = queryInfo.get(id)!;
    queryTask[q] = tIndex.get(info.task)!;
    queryLength[q] = info.length;
    const e = embeddingOf(id);
    if (e === undefined) {
      violations.push({ field: `samples[${info.first}].queryId`, reason: `no embedding for query ${id}` });
      continue;
    }
    if (dimension < 0) {
      dimension = e.length;
      if (dimension === 0) throw DomainError.invalidArgument('embeddings', 'embedding dimension must be > 0');
      embeddings = new Float32Array(Q * dimension);
    }
    if (e.length !== dimension) {
      violations.push({
        field: `samples[${info.first}].queryId`,
        reason: `embedding of ${id} has ${e.length} dims, expected ${dimension}`,
      });
      continue;
    }
    embeddings.set(unitCopy(e), q * dimension);
  }
  if (violations.length > 0) throw DomainError.invalidArguments(violations.slice(0, 20));

  const performance = new Float32Array(Q * C).fill(NaN);
  const costUsd = new Float32Array(Q * C).fill(NaN);
  const judgeScore = new Float32Array(Q * C).fill(NaN);
  const latencyMs = new Float32Array(Q * C).fill(NaN);
  const firstSeen = new Int32Array(Q * C).fill(-1);
  samples.forEach((s, i) => {
    const cell = qIndex.get(s.queryId)! * C + cIndex.get(s.candidate)!;
    if (firstSeen[cell]! >= 0) {
      violations.push({
        field: `samples[${i}]`,
        reason: `duplicate outcome for query ${s.queryId} and candidate ${s.candidate} (first at samples[${firstSeen[cell]}])`,
      });
      return;
    }
    firstSeen[cell] = i;
    if (s.performance !== null && s.performance !== undefined) performance[cell] = s.performance;
    if (s.costUsd !== null && s.costUsd !== undefined) costUsd[cell] = s.costUsd;
    if (s.judgeScore !== null && s.judgeScore !== undefined) judgeScore[cell] = s.judgeScore;
    if (s.latencyMs !== null && s.latencyMs !== undefined) latencyMs[cell] = s.latencyMs;
  });
  if (violations.length > 0) throw DomainError.invalidArguments(violations.slice(0, 20));

  let descriptors: Float32Array | null = null;
  let descriptorDimension = 0;
  if (options.descriptors && options.descriptors.size > 0) {
    for (const [c, d] of options.descriptors) {
      if (descriptorDimension === 0) descriptorDimension = d.length;
      if (d.length !== descriptorDimension || d.length === 0) {
        throw DomainError.invalidArgument(
          `descriptors[${c}]`,
          `expected ${descriptorDimension} values, got ${d.length}`,
        );
      }
    }
    descriptors = new Float32Array(C * descriptorDimension);
    candidates.forEach((c, i) => {
      const d = options.descriptors!.get(c);
      if (d) descriptors!.set(d, i * descriptorDimension);
    });
  }

  const base = {
    queryIds,
    tasks,
    taskDomains: tasks.map((t) => taskDomain.get(t) ?? ''),
    candidates,
    dimension,
    queryTask,
    queryLength,
    embeddings,
    performance,
    costUsd,
    judgeScore,
    latencyMs,
    descriptors,
    descriptorDimension,
    embeddingSpace: options.embeddingSpace ?? null,
  };
  return { ...base, stats: computeStats(base) };
}

type StatsInput = Pick<
  TrainingSet,
  'tasks' | 'candidates' | 'queryTask' | 'performance' | 'costUsd' | 'judgeScore'
>;

/** Per-task min-max over the observed cells of the set. A task without observations gets a 0-width range. */
export function computeStats(set: StatsInput): TaskNormStats[] {
  const C = set.candidates.length;
  const stats = set.tasks.map((task) => ({
    task,
    perfMin: Infinity,
    perfMax: -Infinity,
    costMin: Infinity,
    costMax: -Infinity,
    judgeMin: Infinity,
    judgeMax: -Infinity,
  }));
  for (let q = 0; q < set.queryTask.length; q++) {
    const s = stats[set.queryTask[q]!]!;
    for (let c = 0; c < C; c++) {
      const cell = q * C + c;
      const p = set.performance[cell]!;
      const k = set.costUsd[cell]!;
      const j = set.judgeScore[cell]!;
      if (!Number.isNaN(p)) {
        if (p < s.perfMin) s.perfMin = p;
        if (p > s.perfMax) s.perfMax = p;
      }
      if (!Number.isNaN(k)) {
        if (k < s.costMin) s.costMin = k;
        if (k > s.costMax) s.costMax = k;
      }
      if (!Number.isNaN(j)) {
        if (j < s.judgeMin) s.judgeMin = j;
        if (j > s.judgeMax) s.judgeMax = j;
      }
    }
  }
  for (const s of stats) {
    if (s.perfMin > s.perfMax) s.perfMin = s.perfMax = 0;
    if (s.costMin > s.costMax) s.costMin = s.costMax = 0;
    if (s.judgeMin > s.judgeMax) s.judgeMin = s.judgeMax = 0;
  }
  return stats;
}

/** The rows `queryIndices` of a set (stats recomputed on them; task and candidate lists kept). */
export function subsetTrainingSet(set: TrainingSet, queryIndices: readonly number[]): TrainingSet {
  const C = set.candidates.length;
  const D = set.dimension;
  const n = queryIndices.length;
  const pick = (src: Float32Array, width: number): Float32Array => {
    const out = new Float32Array(n * width);
    queryIndices.forEach((q, i) => out.set(src.subarray(q * width, (q + 1) * width), i * width));
    return out;
  };
  const base = {
    ...set,
    queryIds: queryIndices.map((q) => set.queryIds[q] as string),
    queryTask: Int32Array.from(queryIndices, (q) => set.queryTask[q]!),
    queryLength: Float64Array.from(queryIndices, (q) => set.queryLength[q]!),
    embeddings: pick(set.embeddings, D),
    performance: pick(set.performance, C),
    costUsd: pick(set.costUsd, C),
    judgeScore: pick(set.judgeScore, C),
    latencyMs: pick(set.latencyMs, C),
  };
  return { ...base, stats: computeStats(base) };
}

/**
 * Seeded split by query, stratified per task (each task keeps about `fraction` of its queries for validation,
 * and at least one query on the training side).
 */
export function splitQueryIndices(
  set: Pick<TrainingSet, 'queryTask' | 'tasks'>,
  fraction: number,
  seed: number,
): { train: number[]; validation: number[] } {
  const rng = new SeededRandom(seed);
  const byTask: number[][] = set.tasks.map(() => []);
  for (let q = 0; q < set.queryTask.length; q++) byTask[set.queryTask[q]!]!.push(q);
  const train: number[] = [];
  const validation: number[] = [];
  for (const qs of byTask) {
    rng.shuffle(qs);
    const nVal = qs.length > 1 ? Math.min(qs.length - 1, Math.round(qs.length * fraction)) : 0;
    validation.push(...qs.slice(0, nVal));
    train.push(...qs.slice(nVal));
  }
  train.sort((a, b) => a - b);
  validation.sort((a, b) => a - b);
  return { train, validation };
}

/** The same set with the judge score as the target to predict (stats follow), for the judge objective. */
export function withJudgeObjective(set: TrainingSet): TrainingSet {
  return {
    ...set,
    performance: set.judgeScore,
    stats: set.stats.map((s) => ({ ...s, perfMin: s.judgeMin, perfMax: s.judgeMax })),
  };
}

/** Number of observed performance cells. */
export function observedCells(set: Pick<TrainingSet, 'performance'>): number {
  let n = 0;
  for (let i = 0; i < set.performance.length; i++) if (!Number.isNaN(set.performance[i]!)) n++;
  return n;
}
