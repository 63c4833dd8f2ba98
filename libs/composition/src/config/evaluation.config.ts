import { ConfigError, z } from '@fusion/shared/config';
import type { EvaluationOptionsInput } from '@fusion/evaluation';

const positiveInt = (fallback: number) =>
  z.coerce
    .number({ message: 'expected a number' })
    .int('expected an integer')
    .positive('expected > 0')
    .default(fallback);
const flag = z.enum(['true', 'false'], { message: "expected 'true' or 'false'" });

/** Evaluation's own variables (the shared ones come from @fusion/shared/config). */
export const evaluationConfigShape = {
  /** OpenAI-compatible server of the LLM judge (e.g. http://vllm:8000). */
  JUDGE_BASE_URL: z.string().url('expected a URL such as http://vllm:8000').optional(),
  /** Model id the judge requests name. */
  JUDGE_MODEL: z.string().min(1).optional(),
  JUDGE_API_KEY: z.string().optional(),
  /** Judge calls in flight at once. */
  JUDGE_CONCURRENCY: positiveInt(8),
  /** Default: on exactly when JUDGE_BASE_URL and JUDGE_MODEL are both set. */
  JUDGE_ENABLED: flag.optional(),
  /** Run code_eval (MBPP, HumanEval) in the bubblewrap sandbox. */
  SANDBOX_ENABLED: flag.default('true'),
  /** Sandboxed programs running at once. */
  SANDBOX_CONCURRENCY: positiveInt(4),
  /** Folder RunBenchmark writes report.json / report.html under (its out_dir is relative to it). */
  EVALUATION_REPORT_DIR: z.string().min(1).default('out/reports'),
  /** Comma-separated folders RunBenchmark's data_path may name; unrestricted when unset. */
  EVALUATION_DATA_ROOTS: z
    .string()
    .transform((s) =>
      s
        .split(',')
        .map((p) => p.trim())
        .filter(Boolean),
    )
    .optional(),
};

export interface EvaluationConfig {
  JUDGE_BASE_URL?: string | undefined;
  JUDGE_MODEL?: string | undefined;
  JUDGE_API_KEY?: string | undefined;
  JUDGE_CONCURRENCY: number;
  JUDGE_ENABLED?: 'true' | 'false' | undefined;
  SANDBOX_ENABLED: 'true' | 'false';
  SANDBOX_CONCURRENCY: number;
  EVALUATION_REPORT_DIR: string;
  EVALUATION_DATA_ROOTS?: string[] | undefined;
}

/** Options of the evaluation context from its variables; a judge switched on without its server is a ConfigError. */
export function evaluationOptionsFrom(cfg: EvaluationConfig): EvaluationOptionsInput {
  const judgeEnabled = cfg.JUDGE_ENABLED
    ? cfg.JUDGE_ENABLED === 'true'
    : Boolean(cfg.JUDGE_BASE_URL && cfg.JUDGE_MODEL);
  if (judgeEnabled) {
    const missing = (['JUDGE_BASE_URL', 'JUDGE_MODEL'] as const).filter((v) => !cfg[v]);
    if (missing.length > 0) {
      throw new ConfigError(
        missing.map((variable) => ({ variable, problem: 'required when JUDGE_ENABLED=true' })),
      );
    }
  }
  return {
    judge: judgeEnabled
      ? {
          baseUrl: cfg.JUDGE_BASE_URL as string,
          model: cfg.JUDGE_MODEL as string,
          ...(cfg.JUDGE_API_KEY ? { apiKey: cfg.JUDGE_API_KEY } : {}),
          concurrency: cfg.JUDGE_CONCURRENCY,
        }
      : null,
    sandbox: { enabled: cfg.SANDBOX_ENABLED === 'true', concurrency: cfg.SANDBOX_CONCURRENCY },
    reportDir: cfg.EVALUATION_REPORT_DIR,
    dataRoots: cfg.EVALUATION_DATA_ROOTS ?? [],
  };
}
