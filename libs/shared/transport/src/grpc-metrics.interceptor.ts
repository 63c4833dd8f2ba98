import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { catchError, tap, throwError, type Observable } from 'rxjs';
import { histogram } from '@fusion/shared/telemetry';

const duration = histogram('fusion_grpc_server_handling_seconds', 'gRPC handler duration', [
  'method',
  'outcome',
]);

/** Duration histogram per gRPC method (adapters get metrics; domain code holds none). */
@Injectable()
export class GrpcMetricsInterceptor implements NestInterceptor {
  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (ctx.getType() !== 'rpc') return next.handle();
    const method = `${ctx.getClass().name}.${ctx.getHandler().name}`;
    const end = duration.startTimer({ method });
    return next.handle().pipe(
      tap({ complete: () => end({ outcome: 'ok' }) }),
      catchError((err: unknown) => {
        end({ outcome: 'error' });
        return throwError(() => err);
      }),
    );
  }
}
