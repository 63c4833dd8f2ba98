import { DomainError, ErrorCode } from '@fusion/shared/kernel';

/** Why an LLM call failed. `cancelled` means the caller aborted it (never retried). */
export type LlmErrorKind =
  | 'rate_limited'
  | 'server_error'
  | 'timeout'
  | 'bad_request'
  | 'auth'
  | 'network'
  | 'malformed_response'
  | 'cancelled';

const RETRYABLE_BY_DEFAULT: Readonly<Record<LlmErrorKind, boolean>> = {
  rate_limited: true,
  server_error: true,
  timeout: true,
  network: true,
  bad_request: false,
  auth: false,
  malformed_response: false,
  cancelled: false,
};

const CODE_BY_KIND: Readonly<Record<LlmErrorKind, ErrorCode>> = {
  rate_limited: ErrorCode.ResourceExhausted,
  server_error: ErrorCode.Unavailable,
  timeout: ErrorCode.DeadlineExceeded,
  network: ErrorCode.Unavailable,
  bad_request: ErrorCode.InvalidArgument,
  auth: ErrorCode.FailedPrecondition,
  malformed_response: ErrorCode.Unavailable,
  cancelled: ErrorCode.Unavailable,
};

/** Raw bodies kept on errors are cut to this many characters. */
export const MAX_ERROR_BODY_CHARS = 2000;

export function truncateBody(body: string, max = MAX_ERROR_BODY_CHARS): string {
  return body.length <= max ? body : `${body.slice(0, max)}…[${body.length - max} more chars]`;
}

export interface LlmErrorOptions {
  retryable?: boolean;
  /** HTTP status, when the server answered. */
  status?: number;
  /** How long the server asked us to wait (Retry-After), in ms. */
  retryAfterMs?: number;
  /** The response body (truncated), for diagnosing malformed or failed responses. */
  rawBody?: string;
  model?: string;
  cause?: unknown;
}

/**
 * A failed LLM call. `kind` says what went wrong, `retryable` whether trying again may help.
 * It is a `DomainError`, so transport filters map it like any other (rate_limited -> RESOURCE_EXHAUSTED, ...).
 */
export class LlmError extends DomainError {
  readonly kind: LlmErrorKind;
  readonly retryable: boolean;
  readonly status: number | undefined;
  readonly retryAfterMs: number | undefined;
  readonly rawBody: string | undefined;

  constructor(kind: LlmErrorKind, message: string, opts: LlmErrorOptions = {}) {
    const rawBody = opts.rawBody === undefined ? undefined : truncateBody(opts.rawBody);
    const details: Record<string, unknown> = { kind };
    if (opts.status !== undefined) details['status'] = opts.status;
    if (opts.retryAfterMs !== undefined) details['retryAfterMs'] = opts.retryAfterMs;
    if (opts.model !== undefined) details['model'] = opts.model;
    super(
      CODE_BY_KIND[kind],
      message,
      opts.cause === undefined ? { details } : { details, cause: opts.cause },
    );
    this.name = 'LlmError';
    this.kind = kind;
    this.retryable = opts.retryable ?? RETRYABLE_BY_DEFAULT[kind];
    this.status = opts.status;
    this.retryAfterMs = opts.retryAfterMs;
    this.rawBody = rawBody;
  }
}

export function isLlmError(err: unknown): err is LlmError {
  return err instanceof LlmError;
}

/** The error kind an HTTP status maps to. */
export function kindForStatus(status: number): LlmErrorKind {
  if (status === 429) return 'rate_limited';
  if (status === 408) return 'timeout';
  if (status === 401 || status === 403) return 'auth';
  if (status >= 500) return 'server_error';
  return 'bad_request';
}

/**
 * Parses `Retry-After` (delta seconds or an HTTP date) into ms from `nowMs`; undefined when absent or unreadable.
 * `retry-after-ms` (sent by some OpenAI-compatible gateways) wins when present.
 */
export function parseRetryAfter(
  retryAfter: string | null | undefined,
  retryAfterMs: string | null | undefined,
  nowMs: number,
): number | undefined {
  if (retryAfterMs) {
    const ms = Number(retryAfterMs.trim());
    if (Number.isFinite(ms) && ms >= 0) return ms;
  }
  if (!retryAfter) return undefined;
  const text = retryAfter.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}
