import { DomainError } from '@fusion/shared/kernel';
import type { TrainingSet } from './training-set';

/**
 * Per (task, candidate) cost regression on query length: cost ≈ intercept + slope x length, fitted by least
 * squares; flat (the mean) when lengths do not vary, data is thin or the slope comes out negative. Cells with no
 * data fall back to the candidate's mean over tasks, then the overall mean. Also holds mean latency (NaN when
 * never logged) and mean query length per task.
 */
export class CostModel {
  constructor(
    readonly tasks: number,
    readonly candidates: number,
    /** tasks x candidates. */
    readonly intercept: Float64Array,
    readonly slope: Float64Array,
    readonly mean: Float64Array,
    readonly floor: Float64Array,
    readonly latencyMs: Float64Array,
    readonly meanLength: Float64Array,
  ) {}

  static fit(set: TrainingSet): CostModel {
    const T = set.tasks.length;
    const C = set.candidates.length;
    const n = new Float64Array(T * C);
    const sx = new Float64Array(T * C);
    const sy = new Float64Array(T * C);
    const sxx = new Float64Array(T * C);
    const sxy = new Float64Array(T * C);
    const minCost = new Float64Array(T * C).fill(Infinity);
    const latN = new Float64Array(T * C);
    const latSum = new Float64Array(T * C);
    const lenSum = new Float64Array(T);
    const lenN = new Float64Array(T);
    for (let q = 0; q < set.queryTask.length; q++) {
      const t = set.queryTask[q]!;
      const x = set.queryLength[q]!;
      lenSum[t]! += x;
      lenN[t]! += 1;
      for (let c = 0; c < C; c++) {
        const y = set.costUsd[q * C + c]!;
        const k = t * C + c;
        if (!Number.isNaN(y)) {
          n[k]! += 1;
          sx[k]! += x;
          sy[k]! += y;
          sxx[k]! += x * x;
          sxy[k]! += x * y;
          if (y < minCost[k]!) minCost[k] = y;
        }
        const l = set.latencyMs[q * C + c]!;
        if (!Number.isNaN(l)) {
          latN[k]! += 1;
          latSum[k]! += l;
        }
      }
    }
    const intercept = new Float64Array(T * C);
    const slope = new Float64Array(T * C);
    const mean = new Float64Array(T * C).fill(NaN);
    const floor = new Float64Array(T * C);
    const latencyMs = new Float64Array(T * C).fill(NaN);
    for (let k = 0; k < T * C; k++) {
      const nk = n[k]!;
      if (nk > 0) {
        const m = sy[k]! / nk;
        mean[k] = m;
        intercept[k] = m;
        floor[k] = minCost[k]!;
        const mx = sx[k]! / nk;
        const vx = sxx[k]! / nk - mx * mx;
        if (nk >= 5 && vx > 1e-9 * (mx * mx + 1)) {
          const b = (sxy[k]! / nk - mx * m) / vx;
          if (b > 0) {
            slope[k] = b;
            intercept[k] = m - b * mx;
          }
        }
      }
      if (latN[k]! > 0) latencyMs[k] = latSum[k]! / latN[k]!;
    }
    // Fallbacks so prediction never branches on missing data.
    const overall = meanOf(mean);
    const overallLatency = meanOf(latencyMs);
    for (let c = 0; c < C; c++) {
      const candMean = meanOf(mean, c, C);
      const candLatency = meanOf(latencyMs, c, C);
      for (let t = 0; t < T; t++) {
        const k = t * C + c;
        if (Number.isNaN(mean[k]!)) {
          const m = Number.isNaN(candMean) ? (Number.isNaN(overall) ? 0 : overall) : candMean;
          mean[k] = m;
          intercept[k] = m;
          floor[k] = 0;
        }
        if (Number.isNaN(latencyMs[k]!))
          latencyMs[k] = Number.isNaN(candLatency) ? overallLatency : candLatency;
      }
    }
    const meanLength = Float64Array.from(lenN, (nt, t) => (nt > 0 ? lenSum[t]! / nt : 0));
    return new CostModel(T, C, intercept, slope, mean, floor, latencyMs, meanLength);
  }

  /** Predicted cost of candidate `c` on task `t`; without a length, the (task, candidate) mean. */
  cost(t: number, c: number, queryLength?: number): number {
    const k = t * this.candidates + c;
    if (queryLength === undefined || !(queryLength >= 0)) return this.mean[k]!;
    const y = this.intercept[k]! + this.slope[k]! * queryLength;
    return y > this.floor[k]! ? y : this.floor[k]!;
  }

  /** Mean logged latency, or null when no latency was ever logged for the candidate. */
  latency(t: number, c: number): number | null {
    const l = this.latencyMs[t * this.candidates + c]!;
    return Number.isNaN(l) ? null : l;
  }

  toJSON(): CostModelJson {
    return {
      intercept: [...this.intercept],
      slope: [...this.slope],
      mean: [...this.mean],
      floor: [...this.floor],
      latencyMs: [...this.latencyMs].map((l) => (Number.isNaN(l) ? null : l)),
      meanLength: [...this.meanLength],
    };
  }

  static fromJSON(json: CostModelJson, tasks: number, candidates: number): CostModel {
    const arr = (v: (number | null)[], len: number, name: string): Float64Array => {
      if (!Array.isArray(v) || v.length !== len) {
        throw DomainError.invalidArgument(`artifact.context.costModel.${name}`, `expected ${len} numbers`);
      }
      return Float64Array.from(v, (x) => (x === null ? NaN : Number(x)));
    };
    const tc = tasks * candidates;
    return new CostModel(
      tasks,
      candidates,
      arr(json.intercept, tc, 'intercept'),
      arr(json.slope, tc, 'slope'),
      arr(json.mean, tc, 'mean'),
      arr(json.floor, tc, 'floor'),
      arr(json.latencyMs, tc, 'latencyMs'),
      arr(json.meanLength, tasks, 'meanLength'),
    );
  }
}

export interface CostModelJson {
  intercept: number[];
  slope: number[];
  mean: number[];
  floor: number[];
  latencyMs: (number | null)[];
  meanLength: number[];
}

function meanOf(a: Float64Array, start = 0, step = 1): number {
  let s = 0;
  let n = 0;
  for (let i = start; i < a.length; i += step) {
    if (!Number.isNaN(a[i]!)) {
      s += a[i]!;
      n++;
    }
  }
  return n > 0 ? s / n : NaN;
}
