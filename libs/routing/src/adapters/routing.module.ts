import {
  Inject,
  Injectable,
  Module,
  type DynamicModule,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { ConsumerGroups } from '@fusion/contracts';
import type { EventStore, Inbox } from '@fusion/shared/event-store';
import type { Clock, IdGenerator } from '@fusion/shared/kernel';
import { HashedNgramEmbedder, OpenAiCompatibleEmbedder, type Embedder } from '@fusion/shared/llm';
import type { MessageBus, Subscription } from '@fusion/shared/messaging';
import {
  CLOCK,
  DATA_SOURCE,
  EVENT_STORE,
  IDS,
  INBOX,
  MESSAGE_BUS,
  type ContextModuleSpec,
} from '@fusion/shared/runtime';
import { counter, rootLogger } from '@fusion/shared/telemetry';
import type { BackendCatalog } from '../application/backends/backend-catalog.port';
import type { RoutingLogger } from '../application/ports/routing-metrics.port';
import type { RoutingSampleStore } from '../application/ports/routing-sample.store.port';
import type { RouterRegistryStore } from '../application/ports/router-registry.store.port';
import type { ThoughtAugmenter } from '../application/ports/thought-augmenter.port';
import type { RouterTrainingRunner } from '../application/ports/training-runner.port';
import { PromoteRouterHandler, type PromoteRouterDeps } from '../application/registry/promote-router.handler';
import { BestSingleFallback } from '../application/serving/best-single.fallback';
import { ChampionCache } from '../application/serving/champion-cache';
import { RouteQueryHandler } from '../application/serving/route-query.handler';
import { AutoTrainScheduler } from '../application/training/auto-train.scheduler';
import { TrainRouterHandler } from '../application/training/train-router.handler';
import type { TrainingSettings } from '../application/training/training-settings';
import { parseCandidate } from '@fusion/contracts';
import { BackendHealthProber } from './backends/backend-health.prober';
import { loadBackendsFile } from './backends/backends-file.loader';
import { ConfiguredBackendCatalog } from './backends/configured-backend.catalog';
import { ReplayBackendCatalog } from './backends/replay-backend.catalog';
import { BatchedRouteEventSink } from './events/batched-route-event.sink';
import { BusLogBackSink } from './events/bus-log-back.sink';
import { RoutingGrpcController } from './grpc/routing.grpc-controller';
import { OpenAiFacadeController } from './http/openai-facade.http-controller';
import { championRefreshGroupId, consumeChampionChanges } from './kafka/champion-refresh.consumer';
import { consumeTrainingSamples } from './kafka/training-samples.consumer';
import { CreateRoutingTables1767225800000 } from './persistence/1767225800000-create-routing-tables';
import { TypeOrmRouterRegistryStore } from './persistence/typeorm-router-registry.store';
import { TypeOrmRoutingSampleStore } from './persistence/typeorm-routing-sample.store';
import { promRoutingMetrics } from './telemetry/prom-routing.metrics';
import { GrpcThoughtAugmenter } from './thought/grpc-thought.augmenter';
import { InlineTrainingRunner } from './training/inline-training.runner';
import { WorkerTrainingRunner } from './training/worker-training.runner';
import {
  AUTO_TRAIN_SCHEDULER,
  BACKEND_CATALOG,
  CHAMPION_CACHE,
  LOG_BACK_SINK,
  PROMOTE_ROUTER_HANDLER,
  ROUTE_EVENT_SINK,
  ROUTE_QUERY_HANDLER,
  ROUTER_REGISTRY_STORE,
  ROUTING_EMBEDDER,
  ROUTING_OPTIONS,
  ROUTING_SAMPLE_STORE,
  THOUGHT_AUGMENTER,
  TRAIN_ROUTER_HANDLER,
  TRAINING_RUNNER,
  resolveRoutingOptions,
  type RoutingOptions,
} from './routing.tokens';

const flushFailures = counter(
  'fusion_routing_flush_failures_total',
  'Failed writes of queued route events or log-back records (retried)',
  ['queue'],
);

function logger(): RoutingLogger {
  return rootLogger().child({ component: 'routing' });
}

function embedderFrom(o: RoutingOptions): Embedder {
  if (o.embedder) return o.embedder;
  if (o.embeddings) {
    return new OpenAiCompatibleEmbedder({
      baseUrl: o.embeddings.baseUrl,
      model: o.embeddings.model,
      dimension: o.embeddings.dimension,
      ...(o.embeddings.apiKey ? { apiKey: o.embeddings.apiKey } : {}),
    });
  }
  return new HashedNgramEmbedder();
}

/** What training (TrainRouter) and promotion (PromoteRouter) both need, from the same providers. */
const LIFECYCLE_INJECT = [
  ROUTING_SAMPLE_STORE,
  ROUTER_REGISTRY_STORE,
  CHAMPION_CACHE,
  ROUTING_EMBEDDER,
  TRAINING_RUNNER,
  BACKEND_CATALOG,
];
type LifecycleProviders = [
  RoutingSampleStore,
  RouterRegistryStore,
  ChampionCache,
  Embedder,
  RouterTrainingRunner,
  BackendCatalog,
];

function lifecycleDeps(
  o: RoutingOptions,
  ...[samples, registry, cache, embedder, runner, backends]: LifecycleProviders
): PromoteRouterDeps {
  return {
    samples,
    registry,
    cache,
    embedder,
    runner,
    settings: settingsOf(o),
    describe: describeWith(backends),
  };
}

function settingsOf(o: RoutingOptions): TrainingSettings {
  return {
    kinds: o.kinds,
    gateScenario: o.gateScenario,
    minImprovement: o.gateMinImprovement,
    seed: o.seed,
    heldOutFraction: o.heldOutFraction,
  };
}

/** Starts and stops the routing context's background work with the application. */
@Injectable()
export class RoutingLifecycle implements OnApplicationBootstrap, OnModuleDestroy {
  private subscriptions: Subscription[] = [];
  private poll: NodeJS.Timeout | null = null;
  private prober: BackendHealthProber | null = null;
  private readonly log = logger();

  constructor(
    @Inject(ROUTING_OPTIONS) private readonly options: RoutingOptions,
    @Inject(MESSAGE_BUS) private readonly bus: MessageBus,
    @Inject(INBOX) private readonly inbox: Inbox,
    @Inject(CHAMPION_CACHE) private readonly cache: ChampionCache,
    @Inject(AUTO_TRAIN_SCHEDULER) private readonly scheduler: AutoTrainScheduler,
    @Inject(BACKEND_CATALOG) private readonly backends: BackendCatalog,
    @Inject(ROUTE_EVENT_SINK) private readonly events: BatchedRouteEventSink,
    @Inject(LOG_BACK_SINK) private readonly logBack: BusLogBackSink,
    @Inject(THOUGHT_AUGMENTER) private readonly thought: ThoughtAugmenter | null,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.cache.loadAll();
    this.subscriptions.push(
      await consumeTrainingSamples(this.bus, this.inbox, this.scheduler, {
        storeResponses: this.options.storeResponses ?? this.backends.mode === 'replay',
      }),
      await consumeChampionChanges(
        this.bus,
        this.cache,
        this.log,
        championRefreshGroupId(this.options.replicaId),
      ),
    );
    if (this.options.championPollMs > 0) {
      this.poll = setInterval(() => {
        this.cache
          .pollChanges()
          .catch((err: unknown) => this.log.warn({ err: (err as Error).message }, 'champion poll failed'));
      }, this.options.championPollMs);
      this.poll.unref();
    }
    if (this.backends instanceof ConfiguredBackendCatalog && this.options.healthProbeMs > 0) {
      this.prober = new BackendHealthProber(this.backends.entries, this.backends.health, {
        intervalMs: this.options.healthProbeMs,
        timeoutMs: Math.min(5_000, this.options.healthProbeMs),
      });
      this.prober.start();
    }
    this.log.info(
      {
        backends: this.backends.mode,
        tenants: this.cache.knownTenants().length,
        autoTrainEvery: this.options.autoTrainEvery,
      },
      'routing context started',
    );
  }

  async onModuleDestroy(): Promise<void> {
    this.scheduler.stop();
    if (this.poll) clearInterval(this.poll);
    this.prober?.stop();
    for (const s of this.subscriptions.splice(0)) await s.stop().catch(() => undefined);
    await this.scheduler.idle().catch(() => undefined);
    // Queued decisions and log-backs are written before the runtime's final outbox drain.
    await this.events.close();
    await this.logBack.close();
    if (this.thought instanceof GrpcThoughtAugmenter) this.thought.close();
  }
}

/** The routing context: RouteQuery (decide/execute/stream), the router lifecycle, backends and the OpenAI facade. */
@Module({})
export class RoutingModule {
  static register(options: Partial<RoutingOptions> = {}): DynamicModule {
    const o = resolveRoutingOptions(options);
    const providers = [
      { provide: ROUTING_OPTIONS, useValue: o },
      { provide: ROUTING_EMBEDDER, useFactory: () => embedderFrom(o) },
      {
        provide: ROUTING_SAMPLE_STORE,
        inject: [DATA_SOURCE],
        useFactory: (ds: DataSource) => new TypeOrmRoutingSampleStore(ds),
      },
      {
        provide: ROUTER_REGISTRY_STORE,
        inject: [DATA_SOURCE, EVENT_STORE],
        useFactory: (ds: DataSource, store: EventStore) => new TypeOrmRouterRegistryStore(ds, store),
      },
      {
        provide: BACKEND_CATALOG,
        inject: [ROUTING_SAMPLE_STORE],
        useFactory: (samples: RoutingSampleStore): BackendCatalog => {
          const entries = o.backendsFile ? loadBackendsFile(o.backendsFile) : o.backends;
          if (!entries)
            return new ReplayBackendCatalog(samples, {
              refreshMs: 10_000,
              unhealthyAfter: o.unhealthyAfterFailures,
            });
          return new ConfiguredBackendCatalog(entries, {
            defaultTimeoutMs: o.attemptTimeoutMs,
            retries: o.backendRetries,
            unhealthyAfter: o.unhealthyAfterFailures,
          });
        },
      },
      {
        provide: CHAMPION_CACHE,
        inject: [ROUTER_REGISTRY_STORE, ROUTING_EMBEDDER],
        useFactory: (registry: RouterRegistryStore, embedder: Embedder) =>
          new ChampionCache({ registry, embedder, logger: logger() }),
      },
      {
        provide: TRAINING_RUNNER,
        useFactory: (): RouterTrainingRunner =>
          o.trainingThread === 'inline' ? new InlineTrainingRunner() : new WorkerTrainingRunner(),
      },
      {
        provide: TRAIN_ROUTER_HANDLER,
        inject: LIFECYCLE_INJECT,
        useFactory: (...deps: LifecycleProviders) =>
          new TrainRouterHandler({
            ...lifecycleDeps(o, ...deps),
            metrics: promRoutingMetrics,
            logger: logger(),
          }),
      },
      {
        provide: PROMOTE_ROUTER_HANDLER,
        inject: LIFECYCLE_INJECT,
        useFactory: (...deps: LifecycleProviders) => new PromoteRouterHandler(lifecycleDeps(o, ...deps)),
      },
      {
        provide: AUTO_TRAIN_SCHEDULER,
        inject: [ROUTING_SAMPLE_STORE, TRAIN_ROUTER_HANDLER],
        useFactory: (samples: RoutingSampleStore, trainer: TrainRouterHandler) =>
          new AutoTrainScheduler(
            { every: o.autoTrainEvery, debounceMs: o.autoTrainDebounceMs },
            {
              samples,
              train: (tenant) => trainer.execute({ tenant, trigger: 'auto', promote: true, shadow: false }),
              isTraining: (tenant) => trainer.isTraining(tenant),
              logger: logger(),
            },
          ),
      },
      {
        provide: ROUTE_EVENT_SINK,
        inject: [EVENT_STORE],
        useFactory: (store: EventStore) => {
          const log = logger();
          return new BatchedRouteEventSink(store, {
            flushIntervalMs: o.eventFlushMs,
            maxQueue: o.eventMaxQueue,
            onError: (err, items) => {
              flushFailures.inc({ queue: 'route_events' });
              log.warn({ err: (err as Error).message, items }, 'writing route events failed; retrying');
            },
          });
        },
      },
      {
        provide: LOG_BACK_SINK,
        inject: [MESSAGE_BUS],
        useFactory: (bus: MessageBus) => {
          const log = logger();
          return new BusLogBackSink(bus, {
            flushIntervalMs: o.eventFlushMs,
            onError: (err, items) => {
              flushFailures.inc({ queue: 'log_back' });
              log.warn(
                { err: (err as Error).message, items },
                'publishing log-back records failed; retrying',
              );
            },
          });
        },
      },
      {
        provide: THOUGHT_AUGMENTER,
        useFactory: (): ThoughtAugmenter | null =>
          o.thoughtAugmenter ??
          (o.thoughtServiceAddress ? new GrpcThoughtAugmenter(o.thoughtServiceAddress) : null),
      },
      {
        provide: ROUTE_QUERY_HANDLER,
        inject: [
          CHAMPION_CACHE,
          ROUTING_SAMPLE_STORE,
          ROUTING_EMBEDDER,
          BACKEND_CATALOG,
          ROUTE_EVENT_SINK,
          LOG_BACK_SINK,
          THOUGHT_AUGMENTER,
          IDS,
          CLOCK,
        ],
        useFactory: (
          cache: ChampionCache,
          samples: RoutingSampleStore,
          embedder: Embedder,
          backends: BackendCatalog,
          events: BatchedRouteEventSink,
          logBack: BusLogBackSink,
          thought: ThoughtAugmenter | null,
          ids: IdGenerator,
          clock: Clock,
        ) =>
          new RouteQueryHandler({
            cache,
            bestSingle: new BestSingleFallback({
              samples,
              ttlMs: o.bestSingleCacheMs,
              now: () => Date.now(),
            }),
            embedder,
            backends,
            events,
            logBack,
            ...(thought ? { thought } : {}),
            metrics: promRoutingMetrics,
            ids,
            clock,
            now: () => performance.now(),
            settings: { maxQueryBytes: o.maxQueryBytes, maxAttempts: o.maxAttempts },
          }),
      },
      RoutingLifecycle,
    ];
    return {
      module: RoutingModule,
      controllers: [RoutingGrpcController, OpenAiFacadeController],
      providers,
      exports: [
        ROUTE_QUERY_HANDLER,
        TRAIN_ROUTER_HANDLER,
        PROMOTE_ROUTER_HANDLER,
        CHAMPION_CACHE,
        ROUTER_REGISTRY_STORE,
        ROUTING_SAMPLE_STORE,
        BACKEND_CATALOG,
        AUTO_TRAIN_SCHEDULER,
        ROUTE_EVENT_SINK,
        LOG_BACK_SINK,
      ],
    };
  }
}

function describeWith(backends: BackendCatalog): (candidate: string) => string {
  return (candidate) => {
    const { llm, promptMode } = parseCandidate(candidate);
    return `${backends.describe(llm) ?? llm} ${promptMode}`;
  };
}

/** The routing context as a process hosts it. */
export function routingContext(options: Partial<RoutingOptions> = {}): ContextModuleSpec {
  return {
    module: RoutingModule.register(options),
    grpc: [
      {
        package: 'fusion.routing.v1',
        protoFile: 'fusion/routing/v1/routing.proto',
        services: ['fusion.routing.v1.RoutingService'],
      },
    ],
    persistence: { migrations: [CreateRoutingTables1767225800000] },
    consumerGroups: [ConsumerGroups.RoutingTrainingSet],
  };
}
