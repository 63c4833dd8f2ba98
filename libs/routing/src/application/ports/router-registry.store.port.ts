import type { RegistryEvent, RouterRegistryState } from '../registry/router-registry.decider';

/** A trained router's serialised artifact, stored with its `RouterVersionRegistered` event. */
export interface ArtifactToStore {
  key: string;
  tenant: string;
  routerId: string;
  version: number;
  kind: string;
  sha256: string;
  /** The artifact as JSON text. */
  body: string;
}

/** Trace and causation metadata for appended events. */
export interface RegistryAppendContext {
  correlationId?: string;
  causationId?: string | null;
  traceparent?: string;
  tracestate?: string;
}

/** The event-sourced router registry (stream `router-<tenant>-registry`) and its artifact store. */
export interface RouterRegistryStore {
  /** The registry state, folded from the stream. */
  load(tenant: string): Promise<RouterRegistryState>;
  /** The stream's version without reading it (for cheap change detection). */
  streamVersion(tenant: string): Promise<number>;
  /**
   * Appends events with optimistic concurrency (`expectedVersion` = the state's version); the artifact, when
   * given, commits in the same transaction. A conflict is a CONCURRENCY_CONFLICT DomainError.
   */
  commit(
    tenant: string,
    expectedVersion: number,
    events: readonly RegistryEvent[],
    ctx?: RegistryAppendContext,
    artifact?: ArtifactToStore,
  ): Promise<void>;
  /** The artifact's JSON text; NOT_FOUND when the key is unknown. */
  loadArtifact(key: string): Promise<string>;
  /** Tenants that have at least one registered version. */
  tenants(): Promise<string[]>;
}
