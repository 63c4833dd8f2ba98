import { OpenAiCompatibleChatBackend, ResilientChatBackend, type ChatBackend } from '@fusion/shared/llm';
import type { BackendEntry } from '../../application/backends/backend-config';
import type {
  BackendCatalog,
  BackendHandle,
  BackendView,
  TenantBackends,
} from '../../application/backends/backend-catalog.port';
import { BackendHealthTracker } from '../../application/backends/backend-health';

export interface ConfiguredCatalogOptions {
  /** Per-attempt timeout for entries without their own `timeoutMs`. */
  defaultTimeoutMs: number;
  /** Retries of one backend before falling back to the next candidate (0: fall back at once). */
  retries: number;
  unhealthyAfter: number;
  env?: NodeJS.ProcessEnv;
  fetch?: typeof fetch;
}

/** Descriptor text of a backend for inductive routers: name, description and descriptors. */
export function describeBackend(entry: Pick<BackendEntry, 'name' | 'description' | 'descriptors'>): string {
  const parts = [entry.name, entry.description ?? ''];
  for (const [k, v] of Object.entries(entry.descriptors))
    parts.push(`${k} ${typeof v === 'string' ? v : JSON.stringify(v)}`);
  return parts.filter((p) => p !== '').join(' ');
}

/** The config-driven backends registry: one OpenAI-compatible client per entry, shared by every tenant. */
export class ConfiguredBackendCatalog implements BackendCatalog {
  readonly mode = 'configured' as const;
  readonly health: BackendHealthTracker;
  private readonly handles = new Map<string, BackendHandle>();
  private readonly tenantView: TenantBackends;

  constructor(
    readonly entries: readonly BackendEntry[],
    options: ConfiguredCatalogOptions,
  ) {
    this.health = new BackendHealthTracker(options.unhealthyAfter);
    const env = options.env ?? process.env;
    entries.forEach((e, i) => {
      let apiKey: string | undefined;
      if (e.apiKeyEnv) {
        apiKey = env[e.apiKeyEnv];
        if (!apiKey)
          throw new Error(`backends[${i}].apiKeyEnv: environment variable ${e.apiKeyEnv} is not set`);
      }
      const timeoutMs = e.timeoutMs ?? options.defaultTimeoutMs;
      let chat: ChatBackend = new OpenAiCompatibleChatBackend({
        baseUrl: e.endpoint,
        timeoutMs,
        ...(apiKey ? { apiKey } : {}),
        ...(options.fetch ? { fetch: options.fetch } : {}),
      });
      if (options.retries > 0) {
        chat = new ResilientChatBackend(chat, {
          retry: { maxAttempts: options.retries + 1, baseDelayMs: 100, jitterMs: 50 },
        });
      }
      this.handles.set(e.name, {
        name: e.name,
        kind: e.kind,
        endpoint: e.endpoint,
        model: e.model,
        chat,
        prices: e.prices,
        timeoutMs,
        descriptors: e.descriptors,
        ...(e.description !== undefined ? { description: e.description } : {}),
      });
    });
    this.tenantView = { get: (llm) => this.handles.get(llm), names: () => [...this.handles.keys()].sort() };
  }

  async forTenant(): Promise<TenantBackends> {
    return this.tenantView;
  }

  async list(): Promise<BackendView[]> {
    return [...this.handles.values()].map((h) => {
      const health = this.health.view(h.name);
      return {
        name: h.name,
        endpoint: h.endpoint,
        model: h.model,
        inputPrice: h.prices.inputPerMillionTokens,
        outputPrice: h.prices.outputPerMillionTokens,
        healthy: health.healthy,
        kind: h.kind,
        description: h.description ?? describeBackend({ name: h.name, descriptors: h.descriptors }),
        lastError: health.lastError,
        consecutiveFailures: health.consecutiveFailures,
      };
    });
  }

  describe(llm: string): string | undefined {
    const h = this.handles.get(llm);
    return h ? describeBackend(h) : undefined;
  }
}
