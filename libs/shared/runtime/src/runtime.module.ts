import {
  Global,
  Inject,
  Injectable,
  Module,
  type BeforeApplicationShutdown,
  type DynamicModule,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { dlqTopicFor, EVENT_CATALOG, Topics, topicForEventType } from '@fusion/contracts';
import {
  Inbox,
  OutboxRelay,
  ProjectionRunner,
  TypeOrmEventStore,
  openDataSource,
  type DatabaseTarget,
  type DataSourceParts,
} from '@fusion/shared/event-store';
import { systemClock, uuidGenerator } from '@fusion/shared/kernel';
import { InProcessMessageBus, KafkaMessageBus, type MessageBus } from '@fusion/shared/messaging';
import { counter, rootLogger } from '@fusion/shared/telemetry';
import { READINESS_CHECKS, type ReadinessCheck } from '@fusion/shared/transport';
import {
  CLOCK,
  DATA_SOURCE,
  EVENT_STORE,
  IDS,
  INBOX,
  MESSAGE_BUS,
  OUTBOX_RELAY,
  PROJECTION_RUNNER,
  RUNTIME_INFO,
} from './tokens';

/** What the runtime needs to know: which service, which mode, where the data and the broker are. */
export interface RuntimeOptions {
  /** `fusion-ingestion`, ... or `fusion` for the embedded all-in-one process. */
  serviceName: string;
  mode: 'embedded' | 'distributed';
  database: DatabaseTarget;
  kafkaBrokers?: string[];
  /** Prefix of topics and consumer groups on a shared Kafka cluster (KAFKA_NAMESPACE). */
  kafkaNamespace?: string;
  persistence: DataSourceParts;
  /** Consumer groups whose DLQ topics should exist up front. */
  consumerGroups?: string[];
  /** An already-open bus to share (tests, or several runtimes in one process). */
  bus?: MessageBus;
  outboxPollMs?: number;
}

export interface RuntimeInfo {
  serviceName: string;
  mode: 'embedded' | 'distributed';
  busKind: 'kafka' | 'in-process';
  database: 'postgres' | 'pglite';
}

const published = counter('fusion_outbox_published_total', 'Outbox messages published to the bus');
const parked = counter(
  'fusion_outbox_parked_total',
  'Outbox messages parked after repeated publish failures (see outbox.failed_at, last_error)',
);

@Injectable()
class RuntimeLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  constructor(
    @Inject(OUTBOX_RELAY) private readonly relay: OutboxRelay,
    @Inject(MESSAGE_BUS) private readonly bus: MessageBus,
    @Inject(DATA_SOURCE) private readonly ds: DataSource,
    @Inject('fusion:RuntimeOptions') private readonly opts: RuntimeOptions,
  ) {}

  onApplicationBootstrap(): void {
    this.relay.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.relay.stop();
    // One last drain so events committed just before shutdown still reach the bus.
    await this.relay.drain().catch(() => 0);
  }

  async onApplicationShutdown(): Promise<void> {
    if (!this.opts.bus) await this.bus.close().catch(() => undefined);
    if (this.ds.isInitialized) await this.ds.destroy().catch(() => undefined);
  }
}

/** Shared infrastructure for one process: database, event store, outbox relay, bus, inbox, projections. */
@Global()
@Module({})
export class RuntimeModule {
  static forRoot(opts: RuntimeOptions): DynamicModule {
    const log = rootLogger().child({ component: 'runtime' });
    const providers = [
      { provide: 'fusion:RuntimeOptions', useValue: opts },
      {
        provide: RUNTIME_INFO,
        useValue: {
          serviceName: opts.serviceName,
          mode: opts.mode,
          busKind: opts.bus?.kind ?? (opts.kafkaBrokers ? 'kafka' : 'in-process'),
          database: opts.database.kind,
        } satisfies RuntimeInfo,
      },
      { provide: CLOCK, useValue: systemClock },
      { provide: IDS, useValue: uuidGenerator },
      {
        provide: DATA_SOURCE,
        useFactory: async (): Promise<DataSource> => {
          try {
            return await openDataSource(opts.database, opts.persistence);
          } catch (err) {
            const where = opts.database.kind === 'postgres' ? 'DATABASE_URL' : 'FUSION_DATA_DIR';
            throw new Error(`cannot open the database (${where}): ${(err as Error).message}`, { cause: err });
          }
        },
      },
      {
        provide: MESSAGE_BUS,
        useFactory: async (): Promise<MessageBus> => {
          const bus: MessageBus =
            opts.bus ??
            (opts.kafkaBrokers
              ? new KafkaMessageBus({
                  brokers: opts.kafkaBrokers,
                  clientId: opts.serviceName,
                  ...(opts.kafkaNamespace ? { namespace: opts.kafkaNamespace } : {}),
                  log: (level, message, extra) => log[level]({ ...extra }, message),
                })
              : new InProcessMessageBus());
          const topics = [
            ...new Set([
              ...EVENT_CATALOG.map((e) => e.topic),
              Topics.LogsRaw,
              ...(opts.consumerGroups ?? []).map(dlqTopicFor),
            ]),
          ];
          try {
            await bus.ensureTopics(topics);
          } catch (err) {
            throw new Error(
              `cannot reach Kafka (KAFKA_BROKERS=${opts.kafkaBrokers?.join(',')}): ${(err as Error).message}`,
              {
                cause: err,
              },
            );
          }
          return bus;
        },
      },
      {
        provide: EVENT_STORE,
        inject: [DATA_SOURCE],
        useFactory: (ds: DataSource) =>
          new TypeOrmEventStore(ds, {
            source: opts.serviceName,
            topicFor: topicForEventType,
            clock: systemClock,
            ids: uuidGenerator,
          }),
      },
      { provide: INBOX, inject: [EVENT_STORE], useFactory: (store: TypeOrmEventStore) => new Inbox(store) },
      {
        provide: PROJECTION_RUNNER,
        inject: [DATA_SOURCE, EVENT_STORE],
        useFactory: (ds: DataSource, store: TypeOrmEventStore) => new ProjectionRunner(ds, store),
      },
      {
        provide: OUTBOX_RELAY,
        inject: [DATA_SOURCE, MESSAGE_BUS, EVENT_STORE],
        useFactory: (ds: DataSource, bus: MessageBus, store: TypeOrmEventStore) =>
          new OutboxRelay(ds, bus, store, {
            source: opts.serviceName,
            pollIntervalMs: opts.outboxPollMs ?? 250,
            onError: (err) => log.warn({ err }, 'outbox relay failed; will retry'),
            onPublished: (n) => published.inc(n),
            onParked: (n) => parked.inc(n),
          }),
      },
      {
        provide: READINESS_CHECKS,
        inject: [DATA_SOURCE],
        useFactory: (ds: DataSource): ReadinessCheck[] => [
          { name: 'database', check: async () => void (await ds.query('SELECT 1')) },
        ],
      },
      RuntimeLifecycle,
    ];
    return {
      module: RuntimeModule,
      global: true,
      providers,
      exports: providers.filter((p) => p !== RuntimeLifecycle).map((p) => (p as { provide: string }).provide),
    };
  }
}
