import type { BenchmarkQuery } from './strategy';

/** A min-max range; `{ min: 0, max: 0 }` when there were no values. */
export interface MinMax {
  min: number;
  max: number;
}

/** Per-task ranges of raw performance and cost (USD) over one evaluated split. */
export interface TaskNormalisation {
  performance: MinMax;
  cost: MinMax;
}

/**
 * (value - min) / (max - min). A constant range gives 0, not NaN (the paper divides 0 by 0 there, §8.1.6),
 * so a task where every candidate scores the same adds nothing to anyone's reward.
 */
export function minMaxNormalise(value: number, range: MinMax): number {
  const span = range.max - range.min;
  return span > 0 ? (value - range.min) / span : 0;
}

/**
 * The paper's normalisation (§3.1): per task, min and max over every candidate and every query of the given
 * queries, which must be one evaluated split (train, a validation slice, or test). Missing values are left out.
 */
export function computeTaskNormalisation(queries: readonly BenchmarkQuery[]): Map<string, TaskNormalisation> {
  const acc = new Map<string, { pMin: number; pMax: number; cMin: number; cMax: number }>();
  for (const q of queries) {
    let a = acc.get(q.taskName);
    if (!a) {
      a = { pMin: Infinity, pMax: -Infinity, cMin: Infinity, cMax: -Infinity };
      acc.set(q.taskName, a);
    }
    for (const o of q.outcomes) {
      if (o.performance !== null) {
        a.pMin = Math.min(a.pMin, o.performance);
        a.pMax = Math.max(a.pMax, o.performance);
      }
      if (o.costUsd !== null) {
        a.cMin = Math.min(a.cMin, o.costUsd);
        a.cMax = Math.max(a.cMax, o.costUsd);
      }
    }
  }
  const range = (min: number, max: number): MinMax => (min <= max ? { min, max } : { min: 0, max: 0 });
  const out = new Map<string, TaskNormalisation>();
  for (const [task, a] of acc) {
    out.set(task, { performance: range(a.pMin, a.pMax), cost: range(a.cMin, a.cMax) });
  }
  return out;
}
