import { DomainError } from '@fusion/shared/kernel';
import { CostModel, type CostModelJson } from './cost-model';
import { decodeFloat32, encodeFloat32 } from './float-codec';
import { TaskClassifier } from './task-classifier';
import type { TaskNormStats, TrainingSet } from './training-set';

export interface RoutingContextJson {
  candidates: string[];
  tasks: string[];
  taskDomains: string[];
  dimension: number;
  embeddingSpace: string | null;
  stats: TaskNormStats[];
  taskCentroids: string;
  perfMean: number[];
  perfCount: number[];
  costModel: CostModelJson;
}

/**
 * What every router shares: candidate and task lists, per-task normalisation stats (train), the task classifier,
 * per (task, candidate) mean performance (the shrinkage prior) and the cost/latency model.
 */
export class RoutingContext {
  private readonly taskIndex: Map<string, number>;

  constructor(
    readonly candidates: readonly string[],
    readonly tasks: readonly string[],
    readonly taskDomains: readonly string[],
    readonly dimension: number,
    readonly embeddingSpace: string | null,
    readonly stats: readonly TaskNormStats[],
    readonly classifier: TaskClassifier,
    /** tasks x candidates mean observed performance, with fallbacks (never NaN). */
    readonly perfMean: Float64Array,
    /** tasks x candidates number of observed performance cells. */
    readonly perfCount: Float64Array,
    readonly costModel: CostModel,
  ) {
    this.taskIndex = new Map(tasks.map((t, i) => [t, i]));
  }

  static fit(set: TrainingSet): RoutingContext {
    if (set.queryIds.length === 0) throw DomainError.invalidArgument('trainingSet', 'has no queries');
    const T = set.tasks.length;
    const C = set.candidates.length;
    const sum = new Float64Array(T * C);
    const count = new Float64Array(T * C);
    const candSum = new Float64Array(C);
    const candCount = new Float64Array(C);
    let all = 0;
    let allN = 0;
    for (let q = 0; q < set.queryTask.length; q++) {
      const t = set.queryTask[q]!;
      for (let c = 0; c < C; c++) {
        const p = set.performance[q * C + c]!;
        if (Number.isNaN(p)) continue;
        sum[t * C + c]! += p;
        count[t * C + c]! += 1;
        candSum[c]! += p;
        candCount[c]! += 1;
        all += p;
        allN += 1;
      }
    }
    if (allN === 0)
      throw DomainError.invalidArgument('trainingSet.performance', 'no observed performance at all');
    const perfMean = new Float64Array(T * C);
    for (let t = 0; t < T; t++) {
      for (let c = 0; c < C; c++) {
        const k = t * C + c;
        perfMean[k] =
          count[k]! > 0 ? sum[k]! / count[k]! : candCount[c]! > 0 ? candSum[c]! / candCount[c]! : all / allN;
      }
    }
    return new RoutingContext(
      set.candidates,
      set.tasks,
      set.taskDomains,
      set.dimension,
      set.embeddingSpace,
      set.stats,
      TaskClassifier.fit(set),
      perfMean,
      count,
      CostModel.fit(set),
    );
  }

  /**
   * A context with one more candidate (appended last) that has no logged outcomes: its per-task mean performance
   * and cost are the given estimates. Used to add a new LLM to an inductive router without retraining.
   */
  withCandidate(
    candidate: string,
    perfByTask: readonly number[],
    costUsd: number,
    latencyMs: number | null,
  ): RoutingContext {
    const T = this.tasks.length;
    const C = this.candidates.length;
    const widen = (a: Float64Array, value: (t: number) => number): Float64Array => {
      const out = new Float64Array(T * (C + 1));
      for (let t = 0; t < T; t++) {
        out.set(a.subarray(t * C, (t + 1) * C), t * (C + 1));
        out[t * (C + 1) + C] = value(t);
      }
      return out;
    };
    const cm = this.costModel;
    const costModel = new CostModel(
      T,
      C + 1,
      widen(cm.intercept, () => costUsd),
      widen(cm.slope, () => 0),
      widen(cm.mean, () => costUsd),
      widen(cm.floor, () => 0),
      widen(cm.latencyMs, () => latencyMs ?? NaN),
      cm.meanLength,
    );
    return new RoutingContext(
      [...this.candidates, candidate],
      this.tasks,
      this.taskDomains,
      this.dimension,
      this.embeddingSpace,
      this.stats,
      this.classifier,
      widen(this.perfMean, (t) => perfByTask[t] ?? 0),
      widen(this.perfCount, () => 0),
      costModel,
    );
  }

  /** Task index for a known hint, else undefined. */
  taskOf(hint: string | undefined): number | undefined {
    return hint === undefined ? undefined : this.taskIndex.get(hint);
  }

  toJSON(): RoutingContextJson {
    return {
      candidates: [...this.candidates],
      tasks: [...this.tasks],
      taskDomains: [...this.taskDomains],
      dimension: this.dimension,
      embeddingSpace: this.embeddingSpace,
      stats: this.stats.map((s) => ({ ...s })),
      taskCentroids: encodeFloat32(this.classifier.centroids),
      perfMean: [...this.perfMean],
      perfCount: [...this.perfCount],
      costModel: this.costModel.toJSON(),
    };
  }

  static fromJSON(json: RoutingContextJson): RoutingContext {
    const at = 'artifact.context';
    if (typeof json !== 'object' || json === null) throw DomainError.invalidArgument(at, 'must be an object');
    const strings = (v: unknown, field: string): string[] => {
      if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) {
        throw DomainError.invalidArgument(`${at}.${field}`, 'must be an array of strings');
      }
      return v as string[];
    };
    const candidates = strings(json.candidates, 'candidates');
    const tasks = strings(json.tasks, 'tasks');
    const taskDomains = strings(json.taskDomains, 'taskDomains');
    const dimension = json.dimension;
    if (!Number.isInteger(dimension) || dimension <= 0) {
      throw DomainError.invalidArgument(`${at}.dimension`, 'must be a positive integer');
    }
    if (!Array.isArray(json.stats) || json.stats.length !== tasks.length) {
      throw DomainError.invalidArgument(`${at}.stats`, `expected ${tasks.length} entries`);
    }
    const T = tasks.length;
    const C = candidates.length;
    const numbers = (v: unknown, len: number, field: string): Float64Array => {
      if (!Array.isArray(v) || v.length !== len || v.some((x) => typeof x !== 'number')) {
        throw DomainError.invalidArgument(`${at}.${field}`, `expected ${len} numbers`);
      }
      return Float64Array.from(v as number[]);
    };
    return new RoutingContext(
      candidates,
      tasks,
      taskDomains,
      dimension,
      typeof json.embeddingSpace === 'string' ? json.embeddingSpace : null,
      json.stats.map((s) => ({ ...s })),
      new TaskClassifier(
        tasks,
        dimension,
        decodeFloat32(json.taskCentroids, T * dimension, `${at}.taskCentroids`),
      ),
      numbers(json.perfMean, T * C, 'perfMean'),
      numbers(json.perfCount, T * C, 'perfCount'),
      CostModel.fromJSON(json.costModel, T, C),
    );
  }
}
