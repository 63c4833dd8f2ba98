import type { ChatBackend } from '@fusion/shared/llm';
import type { BackendPrices } from './backend-config';
import type { BackendHealthTracker } from './backend-health';

/** A callable backend for one LLM (both of its prompt modes). */
export interface BackendHandle {
  /** The LLM name (candidate without `:think`). */
  name: string;
  kind: string;
  endpoint: string;
  /** Model id sent to the server. */
  model: string;
  chat: ChatBackend;
  prices: BackendPrices;
  timeoutMs: number;
  descriptors: Record<string, unknown>;
  description?: string;
}

/** A backend as ListBackends and `/v1/models` show it. */
export interface BackendView {
  name: string;
  endpoint: string;
  model: string;
  inputPrice: number;
  outputPrice: number;
  healthy: boolean;
  kind: string;
  description: string;
  lastError: string | null;
  consecutiveFailures: number;
}

/** The backends one tenant's requests may call. */
export interface TenantBackends {
  get(llm: string): BackendHandle | undefined;
  names(): string[];
}

/**
 * The backends registry: config-driven OpenAI-compatible backends, or (no backends file: the embedded demo) replay
 * backends serving the tenant's logged answers.
 */
export interface BackendCatalog {
  readonly mode: 'configured' | 'replay';
  readonly health: BackendHealthTracker;
  forTenant(tenant: string): Promise<TenantBackends>;
  list(tenant: string): Promise<BackendView[]>;
  /** Descriptor text of an LLM (for inductive routers), when the registry describes it. */
  describe(llm: string): string | undefined;
}
