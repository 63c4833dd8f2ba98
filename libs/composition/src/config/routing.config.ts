import { ConfigError, z } from '@fusion/shared/config';
import { isDomainError } from '@fusion/shared/kernel';
import { parseRouterKinds, type RoutingOptions } from '@fusion/routing';

const int = (fallback: number, min: number, what: string) =>
  z.coerce
    .number({ message: 'expected a number' })
    .int('expected an integer')
    .min(min, `expected ${what}`)
    .default(fallback);
const httpUrl = z
  .string()
  .refine((s) => /^https?:\/\//i.test(s), { message: 'expected an http:// or https:// URL' });

/**
 * The routing service's own variables (the shared ones come from @fusion/shared/config).
 *
 * - FUSION_BACKENDS_FILE: JSON or YAML list of backends (the Helm chart mounts /etc/fusion/backends/backends.json).
 *   Unset: execute replays the logged answers (embedded demo), and ListBackends says `replay`.
 * - ROUTER_AUTO_TRAIN_EVERY: retrain after this many newly scored samples per tenant (default 1000; 0 disables).
 * - ROUTER_AUTO_TRAIN_DEBOUNCE_MS: quiet time before the auto-train check (default 2000).
 * - ROUTER_KINDS: comma-separated kinds to train (knn, mlp, linear, matrix_factorisation or mf, graph; default all).
 * - ROUTER_GATE_SCENARIO: performance_first, balance (default) or cost_first: picks the best kind and gates promotion.
 * - ROUTER_GATE_MIN_IMPROVEMENT: reward margin a challenger needs over the champion (default 0).
 * - ROUTER_SEED: seeds the held-out split and training (default 42).
 * - ROUTER_TRAINING_THREAD: worker (default; a worker thread) or inline (the event loop, yielding between kinds).
 * - ROUTING_MAX_QUERY_BYTES: largest query accepted (default 32768).
 * - ROUTING_ATTEMPT_TIMEOUT_MS, ROUTING_MAX_ATTEMPTS, ROUTING_BACKEND_RETRIES: execution (30000, 5, 0).
 * - ROUTING_HEALTH_PROBE_MS: GET /v1/models probe of each backend (default 0 = off).
 * - ROUTING_CHAMPION_POLL_MS: registry poll that backs up the promotion events (default 10000; 0 = off).
 * - ROUTING_EVENT_FLUSH_MS: how often queued RouteDecided/RouteExecuted events are written (default 25; a crash loses at most this window).
 * - EMBEDDINGS_BASE_URL, EMBEDDINGS_MODEL, EMBEDDINGS_DIMENSION (+ EMBEDDINGS_API_KEY): an OpenAI-compatible
 *   `/v1/embeddings` server for query vectors (the three together, or none: the hashed n-gram embedder).
 * - THOUGHT_SERVICE_ADDRESS: host:port of the thought service, for requests with thought augmentation on.
 */
export const routingConfigShape = {
  FUSION_BACKENDS_FILE: z.string().min(1).optional(),
  ROUTER_AUTO_TRAIN_EVERY: int(1000, 0, '>= 0 (0 disables)'),
  ROUTER_AUTO_TRAIN_DEBOUNCE_MS: int(2000, 0, '>= 0'),
  ROUTER_KINDS: z.string().optional(),
  ROUTER_GATE_SCENARIO: z
    .enum(['performance_first', 'balance', 'cost_first'], {
      message: 'expected performance_first, balance or cost_first',
    })
    .default('balance'),
  ROUTER_GATE_MIN_IMPROVEMENT: z.coerce
    .number({ message: 'expected a number' })
    .min(0, 'expected >= 0')
    .default(0),
  ROUTER_SEED: int(42, 0, '>= 0'),
  ROUTER_TRAINING_THREAD: z
    .enum(['worker', 'inline'], { message: "expected 'worker' or 'inline'" })
    .default('worker'),
  ROUTING_MAX_QUERY_BYTES: int(32 * 1024, 1, '> 0'),
  ROUTING_ATTEMPT_TIMEOUT_MS: int(30_000, 1, '> 0'),
  ROUTING_MAX_ATTEMPTS: int(5, 1, '>= 1'),
  ROUTING_BACKEND_RETRIES: int(0, 0, '>= 0'),
  ROUTING_HEALTH_PROBE_MS: int(0, 0, '>= 0 (0 = off)'),
  ROUTING_CHAMPION_POLL_MS: int(10_000, 0, '>= 0 (0 = off)'),
  ROUTING_EVENT_FLUSH_MS: int(25, 1, '> 0'),
  EMBEDDINGS_BASE_URL: httpUrl.optional(),
  EMBEDDINGS_MODEL: z.string().min(1).optional(),
  EMBEDDINGS_DIMENSION: z.coerce
    .number({ message: 'expected a number' })
    .int('expected an integer')
    .positive('expected > 0')
    .optional(),
  EMBEDDINGS_API_KEY: z.string().optional(),
  THOUGHT_SERVICE_ADDRESS: z
    .string()
    .regex(/^[^\s:]+:\d{1,5}$/, 'expected host:port')
    .optional(),
};

export interface RoutingConfig {
  FUSION_BACKENDS_FILE?: string | undefined;
  ROUTER_AUTO_TRAIN_EVERY: number;
  ROUTER_AUTO_TRAIN_DEBOUNCE_MS: number;
  ROUTER_KINDS?: string | undefined;
  ROUTER_GATE_SCENARIO: 'performance_first' | 'balance' | 'cost_first';
  ROUTER_GATE_MIN_IMPROVEMENT: number;
  ROUTER_SEED: number;
  ROUTER_TRAINING_THREAD: 'worker' | 'inline';
  ROUTING_MAX_QUERY_BYTES: number;
  ROUTING_ATTEMPT_TIMEOUT_MS: number;
  ROUTING_MAX_ATTEMPTS: number;
  ROUTING_BACKEND_RETRIES: number;
  ROUTING_HEALTH_PROBE_MS: number;
  ROUTING_CHAMPION_POLL_MS: number;
  ROUTING_EVENT_FLUSH_MS: number;
  EMBEDDINGS_BASE_URL?: string | undefined;
  EMBEDDINGS_MODEL?: string | undefined;
  EMBEDDINGS_DIMENSION?: number | undefined;
  EMBEDDINGS_API_KEY?: string | undefined;
  THOUGHT_SERVICE_ADDRESS?: string | undefined;
}

/** Routing options from the variables; inconsistent ones are a ConfigError naming each variable. */
export function routingOptionsFrom(cfg: RoutingConfig): Partial<RoutingOptions> {
  const problems: { variable: string; problem: string }[] = [];
  let kinds: RoutingOptions['kinds'] | undefined;
  if (cfg.ROUTER_KINDS !== undefined) {
    try {
      kinds = parseRouterKinds(cfg.ROUTER_KINDS.split(','), 'ROUTER_KINDS');
      if (kinds.length === 0) problems.push({ variable: 'ROUTER_KINDS', problem: 'names no router kind' });
    } catch (err) {
      problems.push({
        variable: 'ROUTER_KINDS',
        problem: isDomainError(err) ? (err.violations[0]?.reason ?? err.message) : String(err),
      });
    }
  }
  const embeddingVars = ['EMBEDDINGS_BASE_URL', 'EMBEDDINGS_MODEL', 'EMBEDDINGS_DIMENSION'] as const;
  const set = embeddingVars.filter((v) => cfg[v] !== undefined);
  if (set.length > 0 && set.length < embeddingVars.length) {
    for (const v of embeddingVars.filter((x) => cfg[x] === undefined)) {
      problems.push({
        variable: v,
        problem: `required when ${set.join(' and ')} ${set.length === 1 ? 'is' : 'are'} set`,
      });
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return {
    ...(cfg.FUSION_BACKENDS_FILE ? { backendsFile: cfg.FUSION_BACKENDS_FILE } : {}),
    autoTrainEvery: cfg.ROUTER_AUTO_TRAIN_EVERY,
    autoTrainDebounceMs: cfg.ROUTER_AUTO_TRAIN_DEBOUNCE_MS,
    ...(kinds ? { kinds } : {}),
    gateScenario: cfg.ROUTER_GATE_SCENARIO,
    gateMinImprovement: cfg.ROUTER_GATE_MIN_IMPROVEMENT,
    seed: cfg.ROUTER_SEED,
    trainingThread: cfg.ROUTER_TRAINING_THREAD,
    maxQueryBytes: cfg.ROUTING_MAX_QUERY_BYTES,
    attemptTimeoutMs: cfg.ROUTING_ATTEMPT_TIMEOUT_MS,
    maxAttempts: cfg.ROUTING_MAX_ATTEMPTS,
    backendRetries: cfg.ROUTING_BACKEND_RETRIES,
    healthProbeMs: cfg.ROUTING_HEALTH_PROBE_MS,
    championPollMs: cfg.ROUTING_CHAMPION_POLL_MS,
    eventFlushMs: cfg.ROUTING_EVENT_FLUSH_MS,
    ...(set.length === embeddingVars.length
      ? {
          embeddings: {
            baseUrl: cfg.EMBEDDINGS_BASE_URL as string,
            model: cfg.EMBEDDINGS_MODEL as string,
            dimension: cfg.EMBEDDINGS_DIMENSION as number,
            ...(cfg.EMBEDDINGS_API_KEY ? { apiKey: cfg.EMBEDDINGS_API_KEY } : {}),
          },
        }
      : {}),
    ...(cfg.THOUGHT_SERVICE_ADDRESS ? { thoughtServiceAddress: cfg.THOUGHT_SERVICE_ADDRESS } : {}),
  };
}
