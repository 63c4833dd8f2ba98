import { Module, type DynamicModule, type INestApplication, type Type } from '@nestjs/common';
import { APP_FILTER, APP_INTERCEPTOR, NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Response } from 'express';
import type { DataSourceParts } from '@fusion/shared/event-store';
import type { MessageBus } from '@fusion/shared/messaging';
import {
  PinoNestLogger,
  createLogger,
  enableDefaultMetrics,
  setRootLogger,
  type Logger,
} from '@fusion/shared/telemetry';
import {
  GrpcMetricsInterceptor,
  OpsController,
  TransportExceptionFilter,
  bodyParserProblem,
  createHealth,
  grpcMicroserviceOptions,
  setHealth,
  type GrpcPackageSpec,
} from '@fusion/shared/transport';
import type { DatabaseTarget } from '@fusion/shared/event-store';
import { RuntimeModule } from './runtime.module';

/** One bounded context as a process hosts it: its Nest module, the gRPC packages it serves, its tables. */
export interface ContextModuleSpec {
  module: Type | DynamicModule;
  grpc: GrpcPackageSpec[];
  persistence: DataSourceParts;
  consumerGroups?: string[];
}

export interface ServiceSpec {
  serviceName: string;
  mode: 'embedded' | 'distributed';
  contexts: ContextModuleSpec[];
  database: DatabaseTarget;
  kafkaBrokers?: string[];
  kafkaNamespace?: string;
  grpcHost: string;
  grpcPort: number;
  httpHost: string;
  httpPort: number;
  bodyLimitBytes?: number;
  grpcMaxMessageBytes?: number;
  logger?: Logger;
  bus?: MessageBus;
  /** Extra HTTP-only modules (e.g. the OpenAI-compatible facade). */
  extraModules?: (Type | DynamicModule)[];
}

export interface RunningService {
  app: INestApplication;
  grpcAddress: string;
  httpUrl: string;
  logger: Logger;
  close(): Promise<void>;
}

function mergeParts(specs: ContextModuleSpec[]): DataSourceParts {
  return {
    entities: specs.flatMap(
      (s) => (s.persistence.entities as unknown[]) ?? [],
    ) as DataSourceParts['entities'],
    migrations: specs.flatMap(
      (s) => (s.persistence.migrations as unknown[]) ?? [],
    ) as DataSourceParts['migrations'],
  };
}

/**
 * Boots one process: HTTP (health, metrics, REST) and gRPC (the contexts' services, health, reflection)
 * over the same modules in either mode. The embedded mode passes all five contexts; a distributed app one.
 */
export async function bootstrapService(spec: ServiceSpec): Promise<RunningService> {
  const logger = spec.logger ?? createLogger(spec.serviceName);
  setRootLogger(logger);
  enableDefaultMetrics(spec.serviceName);
  const packages = spec.contexts.flatMap((c) => c.grpc);
  const health = createHealth(packages);

  @Module({
    imports: [
      RuntimeModule.forRoot({
        serviceName: spec.serviceName,
        mode: spec.mode,
        database: spec.database,
        ...(spec.kafkaBrokers ? { kafkaBrokers: spec.kafkaBrokers } : {}),
        ...(spec.kafkaNamespace ? { kafkaNamespace: spec.kafkaNamespace } : {}),
        ...(spec.bus ? { bus: spec.bus } : {}),
        persistence: mergeParts(spec.contexts),
        consumerGroups: spec.contexts.flatMap((c) => c.consumerGroups ?? []),
      }),
      ...spec.contexts.map((c) => c.module),
      ...(spec.extraModules ?? []),
    ],
    controllers: [OpsController],
    providers: [
      { provide: APP_FILTER, useClass: TransportExceptionFilter },
      { provide: APP_INTERCEPTOR, useClass: GrpcMetricsInterceptor },
    ],
  })
  class ServiceRootModule {}

  const app = await NestFactory.create<NestExpressApplication>(ServiceRootModule, {
    logger: new PinoNestLogger(logger.child({ component: 'nest' })),
    bodyParser: false,
    abortOnError: false,
  });
  const limit = spec.bodyLimitBytes ?? 32 * 1024 * 1024;
  app.useBodyParser('json', { limit });
  app.useBodyParser('text', { type: ['application/x-ndjson', 'application/jsonl', 'text/plain'], limit });
  app.use((err: unknown, _req: unknown, res: Response, next: (e?: unknown) => void) => {
    if (!bodyParserProblem(err, res)) next(err);
  });
  app.connectMicroservice(
    grpcMicroserviceOptions({
      host: spec.grpcHost,
      port: spec.grpcPort,
      packages,
      health,
      ...(spec.grpcMaxMessageBytes ? { maxMessageBytes: spec.grpcMaxMessageBytes } : {}),
    }),
    { inheritAppConfig: true },
  );
  await app.startAllMicroservices();
  await app.listen(spec.httpPort, spec.httpHost);
  setHealth(health, packages, true);
  const grpcAddress = `${spec.grpcHost === '0.0.0.0' ? '127.0.0.1' : spec.grpcHost}:${spec.grpcPort}`;
  const httpUrl = `http://${spec.httpHost === '0.0.0.0' ? '127.0.0.1' : spec.httpHost}:${spec.httpPort}`;
  let closed = false;
  return {
    app,
    grpcAddress,
    httpUrl,
    logger,
    close: async () => {
      if (closed) return;
      closed = true;
      setHealth(health, packages, false);
      await app.close();
    },
  };
}
