/**
 * Error codes shared by every bounded context. Each transport maps them in one place
 * (gRPC status codes, HTTP problem+json), so domain code never knows about transports.
 */
export enum ErrorCode {
  InvalidArgument = 'INVALID_ARGUMENT',
  NotFound = 'NOT_FOUND',
  AlreadyExists = 'ALREADY_EXISTS',
  FailedPrecondition = 'FAILED_PRECONDITION',
  ConcurrencyConflict = 'CONCURRENCY_CONFLICT',
  ResourceExhausted = 'RESOURCE_EXHAUSTED',
  Unavailable = 'UNAVAILABLE',
  DeadlineExceeded = 'DEADLINE_EXCEEDED',
  Unimplemented = 'UNIMPLEMENTED',
  Internal = 'INTERNAL',
}

/** A field-level problem, named so a client can fix its input. */
export interface FieldViolation {
  field: string;
  reason: string;
}

/** The one error type domain and application code throws on purpose. */
export class DomainError extends Error {
  readonly code: ErrorCode;
  readonly violations: FieldViolation[];
  readonly details: Record<string, unknown>;

  constructor(
    code: ErrorCode,
    message: string,
    opts: { violations?: FieldViolation[]; details?: Record<string, unknown>; cause?: unknown } = {},
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'DomainError';
    this.code = code;
    this.violations = opts.violations ?? [];
    this.details = opts.details ?? {};
  }

  static invalidArgument(field: string, reason: string): DomainError {
    return new DomainError(ErrorCode.InvalidArgument, `${field}: ${reason}`, {
      violations: [{ field, reason }],
    });
  }

  static invalidArguments(violations: FieldViolation[]): DomainError {
    const message = violations.map((v) => `${v.field}: ${v.reason}`).join('; ');
    return new DomainError(ErrorCode.InvalidArgument, message, { violations });
  }

  static notFound(what: string): DomainError {
    return new DomainError(ErrorCode.NotFound, `${what} not found`);
  }

  static failedPrecondition(message: string, details?: Record<string, unknown>): DomainError {
    return new DomainError(ErrorCode.FailedPrecondition, message, details ? { details } : {});
  }

  static resourceExhausted(message: string, details?: Record<string, unknown>): DomainError {
    return new DomainError(ErrorCode.ResourceExhausted, message, details ? { details } : {});
  }

  static unavailable(message: string, details?: Record<string, unknown>): DomainError {
    return new DomainError(ErrorCode.Unavailable, message, details ? { details } : {});
  }
}

export function isDomainError(err: unknown): err is DomainError {
  return err instanceof DomainError;
}
