import { Catch, HttpException, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';
import { ErrorCode } from '@fusion/shared/kernel';
import { rootLogger } from '@fusion/shared/telemetry';
import { httpStatusOf, mapError } from './error-mapping';

/** HTTP errors as RFC 9457 problem+json, from the same domain error codes as gRPC. */
@Catch()
export class ProblemJsonFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    if (exception instanceof HttpException) {
      const statusCode = exception.getStatus();
      const body = exception.getResponse();
      const detail =
        typeof body === 'string' ? body : ((body as { message?: unknown }).message ?? exception.message);
      res
        .status(statusCode)
        .type('application/problem+json')
        .json({
          type: 'about:blank',
          title: exception.name,
          status: statusCode,
          detail: Array.isArray(detail) ? detail.join('; ') : String(detail),
        });
      return;
    }
    if (bodyParserProblem(exception, res)) return;
    const mapped = mapError(exception);
    if (mapped.code === ErrorCode.Internal)
      rootLogger().error({ err: exception }, 'unhandled error in HTTP handler');
    const statusCode = httpStatusOf(mapped.code);
    res
      .status(statusCode)
      .type('application/problem+json')
      .json({
        type: 'about:blank',
        title: mapped.code,
        status: statusCode,
        code: mapped.code,
        detail: mapped.message,
        ...(mapped.violations.length > 0 ? { violations: mapped.violations } : {}),
      });
  }
}

/**
 * Body-parser failures (express middleware, before any route): 413 naming the limit, 400 for bad JSON.
 * Also mounted as an express error handler right after the body parsers, so Nest never re-wraps them.
 */
export function bodyParserProblem(exception: unknown, res: Response): boolean {
  const e = exception as { type?: string; limit?: number; message?: string } | null;
  if (e?.type === 'entity.too.large') {
    res
      .status(413)
      .type('application/problem+json')
      .json({
        type: 'about:blank',
        title: 'Payload Too Large',
        status: 413,
        code: ErrorCode.ResourceExhausted,
        detail: `request body exceeds the limit of ${e.limit ?? '?'} bytes`,
      });
    return true;
  }
  if (e?.type === 'entity.parse.failed') {
    res
      .status(400)
      .type('application/problem+json')
      .json({
        type: 'about:blank',
        title: 'Bad Request',
        status: 400,
        code: ErrorCode.InvalidArgument,
        detail: `request body is not valid JSON: ${e.message ?? ''}`,
      });
    return true;
  }
  return false;
}
