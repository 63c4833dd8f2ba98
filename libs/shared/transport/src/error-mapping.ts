import { status } from '@grpc/grpc-js';
import { DomainError, ErrorCode, type FieldViolation } from '@fusion/shared/kernel';

const GRPC_CODES: Record<ErrorCode, status> = {
  [ErrorCode.InvalidArgument]: status.INVALID_ARGUMENT,
  [ErrorCode.NotFound]: status.NOT_FOUND,
  [ErrorCode.AlreadyExists]: status.ALREADY_EXISTS,
  [ErrorCode.FailedPrecondition]: status.FAILED_PRECONDITION,
  [ErrorCode.ConcurrencyConflict]: status.ABORTED,
  [ErrorCode.ResourceExhausted]: status.RESOURCE_EXHAUSTED,
  [ErrorCode.Unavailable]: status.UNAVAILABLE,
  [ErrorCode.DeadlineExceeded]: status.DEADLINE_EXCEEDED,
  [ErrorCode.Unimplemented]: status.UNIMPLEMENTED,
  [ErrorCode.Internal]: status.INTERNAL,
};

const HTTP_STATUS: Record<ErrorCode, number> = {
  [ErrorCode.InvalidArgument]: 400,
  [ErrorCode.NotFound]: 404,
  [ErrorCode.AlreadyExists]: 409,
  [ErrorCode.FailedPrecondition]: 412,
  [ErrorCode.ConcurrencyConflict]: 409,
  [ErrorCode.ResourceExhausted]: 413,
  [ErrorCode.Unavailable]: 503,
  [ErrorCode.DeadlineExceeded]: 504,
  [ErrorCode.Unimplemented]: 501,
  [ErrorCode.Internal]: 500,
};

export interface MappedError {
  code: ErrorCode;
  message: string;
  violations: FieldViolation[];
  details: Record<string, unknown>;
}

/** Anything thrown → a transport-neutral error; unknown errors become INTERNAL without leaking internals. */
export function mapError(err: unknown): MappedError {
  if (err instanceof DomainError) {
    return { code: err.code, message: err.message, violations: err.violations, details: err.details };
  }
  const e = err as { name?: string; message?: string; code?: unknown } | undefined;
  if (e?.name === 'ConfigError' && e.message) {
    return { code: ErrorCode.FailedPrecondition, message: e.message, violations: [], details: {} };
  }
  return { code: ErrorCode.Internal, message: 'internal error', violations: [], details: {} };
}

export function grpcStatusOf(code: ErrorCode): status {
  return GRPC_CODES[code];
}

export function httpStatusOf(code: ErrorCode): number {
  return HTTP_STATUS[code];
}
