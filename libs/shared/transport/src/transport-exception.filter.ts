import { Catch, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { GrpcExceptionFilter } from './grpc-exception.filter';
import { ProblemJsonFilter } from './http-exception.filter';

/**
 * Registered once (APP_FILTER) so it applies to the HTTP app and the gRPC microservice alike;
 * hands each error to its transport's filter.
 */
@Catch()
export class TransportExceptionFilter implements ExceptionFilter {
  private readonly grpc = new GrpcExceptionFilter();
  private readonly http = new ProblemJsonFilter();

  catch(exception: unknown, host: ArgumentsHost): unknown {
    if (host.getType() === 'rpc') return this.grpc.catch(exception, host);
    return this.http.catch(exception, host);
  }
}
