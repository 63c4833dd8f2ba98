import {
  collectStream,
  isLlmError,
  RequestLimiter,
  withRetry,
  type ChatBackend,
  type ChatRequest,
  type Sleep,
} from '@fusion/shared/llm';
import {
  buildJudgePrompt,
  judgeInputViolations,
  JUDGE_PROMPT_VERSION,
  type JudgeInput,
} from '../../domain/judge/judge.prompt';
import { failedVerdict, verdictFromOutput, type JudgeVerdict } from '../../domain/judge/judge-verdict';

/** Defaults follow the paper (§2); tests shrink the retry delays. */
export interface JudgeServiceOptions {
  /** The model id sent to the backend (the paper never names its judge). */
  judgeModel: string;
  /** Default 100. */
  maxTokens?: number;
  /** Default 0.1. */
  temperature?: number;
  /** Default 0.7. */
  topP?: number;
  /** Retries after the first call, on 429/5xx/timeouts/network errors. Default 3. */
  maxRetries?: number;
  /** Backoff before retry n: `retryBaseDelayMs * 2^n + retryJitterMs * U(0,1)`. Defaults 2000 and 1000. */
  retryBaseDelayMs?: number;
  retryJitterMs?: number;
  /** Judge calls in flight at once. Default 8. */
  concurrency?: number;
  /** Least time between two judge calls (ms). Default 100. */
  minIntervalMs?: number;
  /** Share one limiter with other callers of the same server; overrides `concurrency`/`minIntervalMs`. */
  limiter?: RequestLimiter;
  /** Per-call timeout (ms). Default 60 000. */
  timeoutMs?: number;
  /** Stream the judge's reply (the paper does); the verdict is the same. Default false. */
  stream?: boolean;
  /** `judgeMany` retries rows that came back not judged once more, as the paper does. Default true. */
  secondPass?: boolean;
  sleep?: Sleep;
  random?: () => number;
}

export interface JudgeManyOptions {
  signal?: AbortSignal;
  /** Called after each row settles in the first pass. */
  onProgress?: (done: number, total: number) => void;
}

/**
 * Scores responses with an LLM judge (paper §2) through the `ChatBackend` port. Every row gets a verdict:
 * judged with a score in [0, 1], or not judged with the reason and the raw text kept. A failure is never
 * recorded as 0. Throws only when the caller cancels.
 */
export class JudgeService {
  readonly judgeModel: string;
  readonly promptVersion = JUDGE_PROMPT_VERSION;
  private readonly limiter: RequestLimiter;
  private readonly opts: JudgeServiceOptions;
  private readonly maxAttempts: number;

  constructor(
    private readonly backend: ChatBackend,
    opts: JudgeServiceOptions,
  ) {
    if (typeof opts.judgeModel !== 'string' || opts.judgeModel.trim() === '') {
      throw new RangeError('judgeModel must be a non-empty string');
    }
    const maxRetries = opts.maxRetries ?? 3;
    if (!Number.isInteger(maxRetries) || maxRetries < 0)
      throw new RangeError(`maxRetries must be an integer >= 0, got ${maxRetries}`);
    this.opts = opts;
    this.judgeModel = opts.judgeModel;
    this.maxAttempts = maxRetries + 1;
    this.limiter =
      opts.limiter ??
      new RequestLimiter({
        maxConcurrent: opts.concurrency ?? 8,
        minIntervalMs: opts.minIntervalMs ?? 100,
        ...(opts.sleep ? { sleep: opts.sleep } : {}),
      });
  }

  /** Judges one response. */
  async judge(input: JudgeInput, opts: { signal?: AbortSignal } = {}): Promise<JudgeVerdict> {
    const meta = { judgeModel: this.judgeModel, promptVersion: this.promptVersion };
    const violations = judgeInputViolations(input);
    if (violations.length > 0) {
      return failedVerdict(
        { kind: 'invalid_input', message: violations.map((v) => `${v.field}: ${v.reason}`).join('; ') },
        { ...meta, attempts: 0 },
      );
    }
    const request: ChatRequest = {
      model: this.judgeModel,
      messages: buildJudgePrompt(input),
      max_tokens: this.opts.maxTokens ?? 100,
      temperature: this.opts.temperature ?? 0.1,
      top_p: this.opts.topP ?? 0.7,
    };
    let attempts = 0;
    const callOpts = {
      ...(opts.signal ? { signal: opts.signal } : {}),
      timeoutMs: this.opts.timeoutMs ?? 60_000,
    };
    try {
      const result = await withRetry(
        () =>
          this.limiter.run(() => {
            attempts++;
            return this.opts.stream
              ? collectStream(this.backend.stream(request, callOpts))
              : this.backend.complete(request, callOpts);
          }, opts.signal),
        {
          maxAttempts: this.maxAttempts,
          baseDelayMs: this.opts.retryBaseDelayMs ?? 2000,
          jitterMs: this.opts.retryJitterMs ?? 1000,
        },
        {
          ...(this.opts.sleep ? { sleep: this.opts.sleep } : {}),
          ...(this.opts.random ? { random: this.opts.random } : {}),
          ...(opts.signal ? { signal: opts.signal } : {}),
        },
      );
      return verdictFromOutput(result.text, { ...meta, attempts });
    } catch (err) {
      if ((isLlmError(err) && err.kind === 'cancelled') || opts.signal?.aborted) throw err;
      const failure = isLlmError(err)
        ? {
            kind: 'call_failed' as const,
            message: err.message,
            llmErrorKind: err.kind,
            ...(err.rawBody !== undefined ? { rawBody: err.rawBody } : {}),
          }
        : { kind: 'call_failed' as const, message: err instanceof Error ? err.message : String(err) };
      return failedVerdict(failure, { ...meta, attempts });
    }
  }

  /**
   * Judges many responses, verdicts in input order. Rows not judged in the first pass (other than invalid
   * input) get one more try when `secondPass` is on; `attempts` then counts both passes.
   */
  async judgeMany(inputs: readonly JudgeInput[], opts: JudgeManyOptions = {}): Promise<JudgeVerdict[]> {
    const verdicts = await this.pool(inputs.length, (i) => this.judge(inputs[i] as JudgeInput, opts), opts);
    if (this.opts.secondPass ?? true) {
      const again = verdicts.flatMap((v, i) =>
        v.status === 'not_judged' && v.error?.kind !== 'invalid_input' ? [i] : [],
      );
      const retried = await this.pool(
        again.length,
        (k) => this.judge(inputs[again[k] as number] as JudgeInput, opts),
        {
          ...(opts.signal ? { signal: opts.signal } : {}),
        },
      );
      again.forEach((i, k) => {
        const first = verdicts[i] as JudgeVerdict;
        const second = retried[k] as JudgeVerdict;
        verdicts[i] = { ...second, attempts: first.attempts + second.attempts };
      });
    }
    return verdicts;
  }

  /** Runs `task(0..n-1)` with as many workers as the limiter allows, so a huge batch never floods memory. */
  private async pool(
    n: number,
    task: (i: number) => Promise<JudgeVerdict>,
    opts: JudgeManyOptions,
  ): Promise<JudgeVerdict[]> {
    const out = new Array<JudgeVerdict>(n);
    let next = 0;
    let done = 0;
    const worker = async (): Promise<void> => {
      while (next < n) {
        const i = next++;
        out[i] = await task(i);
        done++;
        opts.onProgress?.(done, n);
      }
    };
    const workers = Math.min(n, this.limiter.maxConcurrent);
    await Promise.all(Array.from({ length: workers }, () => worker()));
    return out;
  }
}
