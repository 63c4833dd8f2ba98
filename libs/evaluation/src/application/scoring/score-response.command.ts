import type { MetricName } from '../../domain/metrics/metric-registry';
import type { MetricVariant } from '../../domain/metrics/metric';
import type { CodeSandbox } from './code-sandbox.port';

/** One logged response to score with its task metric. */
export interface ScoreResponseCommand {
  /** Metric name or the log's spelling: em, cem, em_mc, f1 (f1_score), gsm8k (GSM8K), math (MATH), code_eval. */
  metric: string;
  /** `fixed` (default) or `paper`. */
  variant?: MetricVariant;
  response: string;
  /** The log's ground truth; for MBPP its test_list (a Python list literal or a list), for HumanEval its test. */
  groundTruth: string | readonly string[];
  taskName: string;
  /** MBPP number or `HumanEval/k`; only needed when taskName does not say which code task it is. */
  taskId?: string | number | null;
  /** HumanEval: the function prompt, or the logged query that wraps it. */
  prompt?: string;
  /** HumanEval: the function `check` is called with; default the prompt's last top-level def. */
  entryPoint?: string;
  /** code_eval: the program's wall-clock budget; default the sandbox's (3 s). */
  timeoutMs?: number;
}

/** The score, or null with the reason when the row cannot be scored (bad ground truth, missing prompt). */
export interface ScoreResponseResult {
  performance: number | null;
  /** Why the score is not 1 or why there is none; null for a clean full score. */
  reason: string | null;
  metric: MetricName;
  variant: MetricVariant;
}

export interface ScoreResponseDeps {
  sandbox: CodeSandbox;
}
