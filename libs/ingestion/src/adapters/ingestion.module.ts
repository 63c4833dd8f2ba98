import { Module, type DynamicModule } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { ConsumerGroups } from '@fusion/contracts';
import type { EventStore } from '@fusion/shared/event-store';
import { CLOCK, DATA_SOURCE, EVENT_STORE, type ContextModuleSpec } from '@fusion/shared/runtime';
import type { Clock } from '@fusion/shared/kernel';
import { DEFAULT_INGESTION_LIMITS } from '../domain/ingestion-limits';
import { IngestLogsHandler } from '../application/ingest-logs/ingest-logs.handler';
import type { LogRepository } from '../application/ports/log-repository.port';
import { IngestionGrpcController } from './grpc/ingestion.grpc-controller';
import { LogsHttpController } from './http/logs.http-controller';
import { RawLogsConsumer } from './kafka/raw-logs.consumer';
import { CreateIngestionLogRecords1767225700000 } from './persistence/1767225700000-create-ingestion-log-records';
import { TypeOrmLogRepository } from './persistence/typeorm-log.repository';
import {
  INGEST_LOGS_HANDLER,
  INGESTION_OPTIONS,
  LOG_REPOSITORY,
  type IngestionOptions,
} from './ingestion.tokens';

@Module({})
export class IngestionModule {
  static register(options: Partial<IngestionOptions> = {}): DynamicModule {
    const resolved: IngestionOptions = {
      maxRecordsPerRequest: options.maxRecordsPerRequest ?? DEFAULT_INGESTION_LIMITS.maxRecordsPerRequest,
      maxRequestBytes: options.maxRequestBytes ?? DEFAULT_INGESTION_LIMITS.maxRequestBytes,
      maxFieldBytes: options.maxFieldBytes ?? DEFAULT_INGESTION_LIMITS.maxFieldBytes,
      importRoots: options.importRoots ?? [],
      consumeRawTopic: options.consumeRawTopic ?? true,
    };
    return {
      module: IngestionModule,
      controllers: [IngestionGrpcController, LogsHttpController],
      providers: [
        { provide: INGESTION_OPTIONS, useValue: resolved },
        {
          provide: LOG_REPOSITORY,
          inject: [DATA_SOURCE, EVENT_STORE],
          useFactory: (ds: DataSource, store: EventStore) => new TypeOrmLogRepository(ds, store),
        },
        {
          provide: INGEST_LOGS_HANDLER,
          inject: [LOG_REPOSITORY, CLOCK],
          useFactory: (repository: LogRepository, clock: Clock) =>
            new IngestLogsHandler({ repository, clock, maxFieldBytes: resolved.maxFieldBytes }),
        },
        RawLogsConsumer,
      ],
      exports: [LOG_REPOSITORY, INGEST_LOGS_HANDLER],
    };
  }
}

/** The ingestion context as a process hosts it. */
export function ingestionContext(options: Partial<IngestionOptions> = {}): ContextModuleSpec {
  return {
    module: IngestionModule.register(options),
    grpc: [
      {
        package: 'fusion.ingestion.v1',
        protoFile: 'fusion/ingestion/v1/ingestion.proto',
        services: ['fusion.ingestion.v1.IngestionService'],
      },
    ],
    persistence: { migrations: [CreateIngestionLogRecords1767225700000] },
    consumerGroups: [ConsumerGroups.IngestionRawLogs],
  };
}
