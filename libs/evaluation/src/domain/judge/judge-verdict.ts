import { parseJudgeOutput } from './judge-output.parser';

/**
 * Why a row was not judged: unusable input, a judge call that failed (after retries), or output without a
 * readable score. Never a score of 0.
 */
export type JudgeFailureKind = 'invalid_input' | 'call_failed' | 'unparseable_output';

export interface JudgeFailure {
  kind: JudgeFailureKind;
  message: string;
  /** The LLM error kind (`rate_limited`, `malformed_response`, ...) for `call_failed`. */
  llmErrorKind?: string;
  /** The server's body (truncated) when the call failed on a bad response. */
  rawBody?: string;
}

/** One judged (or not judged) response. `score` is null exactly when `status` is `not_judged`. */
export interface JudgeVerdict {
  status: 'judged' | 'not_judged';
  score: number | null;
  judgeModel: string;
  promptVersion: string;
  /** The judge's text as returned; null when no call succeeded. */
  rawOutput: string | null;
  error: JudgeFailure | null;
  /** Judge calls made for this verdict, retries included (0 for invalid input). */
  attempts: number;
}

export interface VerdictMeta {
  judgeModel: string;
  promptVersion: string;
  attempts: number;
}

/** The verdict for a judge output: judged with its score, or not judged with the raw text kept. */
export function verdictFromOutput(rawOutput: string, meta: VerdictMeta): JudgeVerdict {
  const parsed = parseJudgeOutput(rawOutput);
  if (parsed.ok) return { status: 'judged', score: parsed.score, rawOutput, error: null, ...meta };
  return {
    status: 'not_judged',
    score: null,
    rawOutput,
    error: { kind: 'unparseable_output', message: parsed.reason },
    ...meta,
  };
}

export function failedVerdict(error: JudgeFailure, meta: VerdictMeta): JudgeVerdict {
  return { status: 'not_judged', score: null, rawOutput: null, error, ...meta };
}
