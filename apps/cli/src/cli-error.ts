import { DomainError, ErrorCode } from '@fusion/shared/kernel';

/** Process exit codes of `fusion`. */
export enum ExitCode {
  Ok = 0,
  /** Something failed while running (server error, unexpected exception). */
  Failure = 1,
  /** The command line or its input is wrong: the user can fix it and rerun. */
  Usage = 2,
  /** No FusionFactory answered at the address. */
  Unreachable = 3,
}

/** The one error the CLI reports: a single line naming the problem and the fix, and the exit code. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode = ExitCode.Failure,
    options: { cause?: unknown } = {},
  ) {
    super(oneLine(message), options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CliError';
  }

  static usage(message: string): CliError {
    return new CliError(message, ExitCode.Usage);
  }
}

/** Where a remote call went, so an error can name it. */
export interface ErrorContext {
  address?: string;
  rpc?: string;
}

// @grpc/grpc-js status codes (kept numeric so this module loads without grpc).
const GRPC = {
  CANCELLED: 1,
  UNKNOWN: 2,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  ABORTED: 10,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  UNAUTHENTICATED: 16,
} as const;

/** Collapses whitespace so a message is always one line. */
export function oneLine(text: string): string {
  return text
    .replace(/\s*\n\s*/g, '; ')
    .replace(/\s+/g, ' ')
    .trim();
}

export function unreachableMessage(address: string): string {
  return `cannot reach FusionFactory at ${address}: start it with \`npm start\` (or \`npx fusion serve\`) or pass --address <host:port> (env FUSION_ADDRESS)`;
}

interface GrpcLikeError {
  code: number;
  details?: string;
  message?: string;
  metadata?: unknown;
}

/**
 * The domain error code the server's error filter puts in the trailers (`error-code`); absent when the status was
 * made on this side (no connection, deadline), which is how a server-said UNAVAILABLE (every LLM backend failed)
 * differs from an unreachable server.
 */
function serverErrorCode(err: GrpcLikeError): string | undefined {
  const md = err.metadata as { get?: (key: string) => unknown[] } | undefined;
  if (!md || typeof md.get !== 'function') return undefined;
  const [value] = md.get('error-code');
  return value === undefined ? undefined : String(value);
}

function isGrpcError(err: unknown): err is GrpcLikeError {
  return (
    typeof err === 'object' &&
    err !== null &&
    typeof (err as { code?: unknown }).code === 'number' &&
    ('details' in err || 'metadata' in err)
  );
}

function fromGrpc(err: GrpcLikeError, ctx: ErrorContext): CliError {
  const where = ctx.address ?? 'the server';
  const said = oneLine(err.details || err.message || 'no details');
  const rpc = ctx.rpc ? `${ctx.rpc}: ` : '';
  switch (err.code) {
    case GRPC.UNAVAILABLE:
      if (serverErrorCode(err) !== undefined)
        return new CliError(`${rpc}${said}`, ExitCode.Failure, { cause: err });
      return new CliError(unreachableMessage(where), ExitCode.Unreachable, { cause: err });
    case GRPC.DEADLINE_EXCEEDED:
      return new CliError(
        `FusionFactory at ${where} did not answer in time (${rpc}${said}): check that it is healthy, or retry`,
        ExitCode.Unreachable,
        { cause: err },
      );
    case GRPC.INVALID_ARGUMENT:
    case GRPC.NOT_FOUND:
    case GRPC.ALREADY_EXISTS:
    case GRPC.FAILED_PRECONDITION:
    case GRPC.RESOURCE_EXHAUSTED:
    case GRPC.ABORTED:
      return new CliError(`${rpc}${said}`, ExitCode.Usage, { cause: err });
    case GRPC.PERMISSION_DENIED:
    case GRPC.UNAUTHENTICATED:
      return new CliError(`${rpc}${said}: check --tenant and the server's access settings`, ExitCode.Usage, {
        cause: err,
      });
    case GRPC.UNIMPLEMENTED:
      return new CliError(
        `${rpc}the server at ${where} does not implement this call (${said}): upgrade it to match this CLI`,
        ExitCode.Failure,
        { cause: err },
      );
    default:
      return new CliError(`${rpc}server error at ${where}: ${said}`, ExitCode.Failure, { cause: err });
  }
}

const USAGE_CODES = new Set<ErrorCode>([
  ErrorCode.InvalidArgument,
  ErrorCode.NotFound,
  ErrorCode.AlreadyExists,
  ErrorCode.FailedPrecondition,
  ErrorCode.ResourceExhausted,
]);

/** Maps anything thrown to a CliError: gRPC statuses, DomainErrors, file-system errors, the rest. */
export function toCliError(err: unknown, ctx: ErrorContext = {}): CliError {
  if (err instanceof CliError) return err;
  if (isGrpcError(err)) return fromGrpc(err, ctx);
  if (err instanceof DomainError) {
    return new CliError(err.message, USAGE_CODES.has(err.code) ? ExitCode.Usage : ExitCode.Failure, {
      cause: err,
    });
  }
  const e = err as NodeJS.ErrnoException | undefined;
  if (e && typeof e === 'object' && typeof e.code === 'string') {
    const path = e.path ?? 'the file';
    if (e.code === 'ENOENT')
      return new CliError(`file not found: ${path}: check the path`, ExitCode.Usage, { cause: err });
    if (e.code === 'EACCES' || e.code === 'EPERM')
      return new CliError(`permission denied: ${path}: check its permissions`, ExitCode.Usage, {
        cause: err,
      });
    if (e.code === 'EISDIR')
      return new CliError(`${path} is a directory: name a file`, ExitCode.Usage, { cause: err });
    if (e.code === 'ENOTDIR')
      return new CliError(`${path}: a part of the path is not a directory`, ExitCode.Usage, { cause: err });
    if (e.code === 'EADDRINUSE')
      return new CliError(`address in use (${e.message}): pick another port`, ExitCode.Usage, { cause: err });
  }
  const message = err instanceof Error ? err.message : String(err);
  if (/startEmbedded: not implemented yet/.test(message)) {
    return new CliError(
      'the embedded deployment is not available in this build (startEmbedded: not implemented yet): pass --address <host:port> of a running FusionFactory (env FUSION_ADDRESS)',
      ExitCode.Failure,
      { cause: err },
    );
  }
  return new CliError(`unexpected error: ${message} (rerun with --verbose for details)`, ExitCode.Failure, {
    cause: err,
  });
}
