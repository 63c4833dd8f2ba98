import { Catch, type ArgumentsHost, type RpcExceptionFilter } from '@nestjs/common';
import { RpcException } from '@nestjs/microservices';
import { Metadata, status } from '@grpc/grpc-js';
import { throwError, type Observable } from 'rxjs';
import { rootLogger } from '@fusion/shared/telemetry';
import { ErrorCode } from '@fusion/shared/kernel';
import { grpcStatusOf, mapError } from './error-mapping';

/** The one gRPC error mapping: domain error codes → gRPC status codes, field violations in trailers. */
@Catch()
export class GrpcExceptionFilter implements RpcExceptionFilter<unknown> {
  catch(exception: unknown, _host: ArgumentsHost): Observable<never> {
    if (exception instanceof RpcException) {
      const inner = exception.getError() as { code?: number } | string;
      if (typeof inner === 'object' && typeof inner.code === 'number') return throwError(() => inner);
    }
    return throwError(() => toGrpcError(exception));
  }
}

export interface GrpcErrorPayload {
  code: status;
  message: string;
  details: string;
  metadata: Metadata;
}

/** Any error → what grpc-js sends: status code, message, and field violations in binary trailers. */
export function toGrpcError(exception: unknown): GrpcErrorPayload {
  const existing = exception as { code?: unknown; details?: unknown; metadata?: unknown } | null;
  if (existing && typeof existing.code === 'number' && existing.metadata instanceof Metadata) {
    return exception as GrpcErrorPayload;
  }
  const mapped = mapError(exception);
  if (mapped.code === ErrorCode.Internal) {
    rootLogger().error({ err: exception }, 'unhandled error in gRPC handler');
  }
  const metadata = new Metadata();
  if (mapped.violations.length > 0)
    metadata.set('field-violations-bin', Buffer.from(JSON.stringify(mapped.violations)));
  metadata.set('error-code', mapped.code);
  const code = grpcStatusOf(mapped.code) ?? status.INTERNAL;
  return { code, message: mapped.message, details: mapped.message, metadata };
}
