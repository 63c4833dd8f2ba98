import { DomainError, ErrorCode } from '@fusion/shared/kernel';

/**
 * Which definition of a metric to apply. `fixed` (the default) repairs the flaws listed in the paper's §8.4;
 * `paper` reproduces the reference code exactly, flaws included, so logged scores can be recomputed.
 */
export type MetricVariant = 'fixed' | 'paper';

export const METRIC_VARIANTS: readonly MetricVariant[] = ['fixed', 'paper'];

/** A metric's verdict on one response. */
export interface MetricScore {
  /** In [0, 1]. */
  score: number;
  /** Why the score is not 1 (what was extracted, what was missing); null for a clean full score. */
  reason: string | null;
}

/** A metric computed from text alone (everything except code_eval). */
export interface TextMetric {
  readonly name: string;
  score(prediction: string, groundTruth: string, variant: MetricVariant): MetricScore;
}

/**
 * Thrown when the metric cannot judge at all: unknown metric name, or a ground truth the metric cannot use
 * (e.g. a MATH reference without `\boxed{}`). Code INVALID_ARGUMENT; `field` names the offending input.
 */
export class MetricError extends DomainError {
  constructor(field: string, reason: string) {
    super(ErrorCode.InvalidArgument, `${field}: ${reason}`, { violations: [{ field, reason }] });
    this.name = 'MetricError';
  }
}

export function isMetricError(err: unknown): err is MetricError {
  return err instanceof MetricError;
}

export function scored(ok: boolean, whyNot: string): MetricScore {
  return ok ? { score: 1, reason: null } : { score: 0, reason: whyNot };
}

/** Clips long extracted text for reasons. */
export function quote(text: string, max = 60): string {
  const t = text.length > max ? `${text.slice(0, max)}…` : text;
  return JSON.stringify(t);
}
