import type { Embedder } from '@fusion/shared/llm';
import type { BackendEntry } from '../application/backends/backend-config';
import type { ThoughtAugmenter } from '../application/ports/thought-augmenter.port';
import type { ScenarioName } from '../domain/policy';
import { ROUTER_KINDS, type RouterKind } from '../domain/router';

export const ROUTING_OPTIONS = 'routing:Options';
export const ROUTING_EMBEDDER = 'routing:Embedder';
export const ROUTING_SAMPLE_STORE = 'routing:SampleStore';
export const ROUTER_REGISTRY_STORE = 'routing:RegistryStore';
export const BACKEND_CATALOG = 'routing:BackendCatalog';
export const CHAMPION_CACHE = 'routing:ChampionCache';
export const TRAINING_RUNNER = 'routing:TrainingRunner';
export const TRAIN_ROUTER_HANDLER = 'routing:TrainRouterHandler';
export const PROMOTE_ROUTER_HANDLER = 'routing:PromoteRouterHandler';
export const AUTO_TRAIN_SCHEDULER = 'routing:AutoTrainScheduler';
export const ROUTE_EVENT_SINK = 'routing:RouteEventSink';
export const LOG_BACK_SINK = 'routing:LogBackSink';
export const ROUTE_QUERY_HANDLER = 'routing:RouteQueryHandler';
export const THOUGHT_AUGMENTER = 'routing:ThoughtAugmenter';

/** Routing settings from the app's config (every field has a default; see `resolveRoutingOptions`). */
export interface RoutingOptions {
  /** FUSION_BACKENDS_FILE: JSON or YAML list of backends. Neither this nor `backends`: replay the logged answers. */
  backendsFile?: string;
  /** Backends given directly (embedded deployments, tests); used when no file is named. */
  backends?: BackendEntry[];
  /** ROUTER_AUTO_TRAIN_EVERY: retrain after this many newly scored samples per tenant; 0 disables. */
  autoTrainEvery: number;
  /** Quiet time after the last new sample before the auto-train check (ms). */
  autoTrainDebounceMs: number;
  /** ROUTER_KINDS: kinds trained when a request names none. */
  kinds: RouterKind[];
  /** ROUTER_GATE_SCENARIO: picks the best kind and decides promotions. */
  gateScenario: ScenarioName;
  /** Reward margin a challenger needs over the champion. */
  gateMinImprovement: number;
  /** ROUTER_SEED: seeds the held-out split and training. */
  seed: number;
  heldOutFraction: number;
  /** ROUTING_MAX_QUERY_BYTES. */
  maxQueryBytes: number;
  /** EMBEDDINGS_BASE_URL (+ EMBEDDINGS_MODEL, EMBEDDINGS_DIMENSION, EMBEDDINGS_API_KEY): a remote embedder. */
  embeddings?: { baseUrl: string; model: string; dimension: number; apiKey?: string };
  /** An embedder instance (wins over `embeddings`); default: the hashed n-gram embedder. */
  embedder?: Embedder;
  /** `worker`: train in a worker thread (default); `inline`: on the event loop, yielding between kinds. */
  trainingThread: 'worker' | 'inline';
  /** Per-attempt timeout of backends without their own `timeoutMs`. */
  attemptTimeoutMs: number;
  /** Retries of one backend before falling back to the next candidate. */
  backendRetries: number;
  maxAttempts: number;
  /** How often queued route events and log-back records are written (ms). */
  eventFlushMs: number;
  eventMaxQueue: number;
  /** Safety-net poll of the registry for champion changes on other replicas (ms; 0 = off). */
  championPollMs: number;
  /** `GET /v1/models` probe of configured backends (ms; 0 = off). */
  healthProbeMs: number;
  unhealthyAfterFailures: number;
  /** How long the best-single fallback caches the log's means (ms). */
  bestSingleCacheMs: number;
  /** Thought-level fusion: an in-process augmenter, or the thought service's gRPC address. */
  thoughtAugmenter?: ThoughtAugmenter;
  thoughtServiceAddress?: string;
  /** Keep logged responses in the projection (needed by replay backends; default: when no backends are configured). */
  storeResponses?: boolean;
  /** Identifies this replica (its champion-refresh consumer group); default host, pid and a random suffix. */
  replicaId?: string;
}

export const ROUTING_DEFAULTS: RoutingOptions = {
  autoTrainEvery: 1000,
  autoTrainDebounceMs: 2000,
  kinds: [...ROUTER_KINDS],
  gateScenario: 'balance',
  gateMinImprovement: 0,
  seed: 42,
  heldOutFraction: 0.2,
  maxQueryBytes: 32 * 1024,
  trainingThread: 'worker',
  attemptTimeoutMs: 30_000,
  backendRetries: 0,
  maxAttempts: 5,
  eventFlushMs: 25,
  eventMaxQueue: 100_000,
  championPollMs: 10_000,
  healthProbeMs: 0,
  unhealthyAfterFailures: 3,
  bestSingleCacheMs: 5_000,
};

export function resolveRoutingOptions(options: Partial<RoutingOptions>): RoutingOptions {
  const out: RoutingOptions = { ...ROUTING_DEFAULTS };
  for (const [k, v] of Object.entries(options))
    if (v !== undefined) (out as unknown as Record<string, unknown>)[k] = v;
  return out;
}
