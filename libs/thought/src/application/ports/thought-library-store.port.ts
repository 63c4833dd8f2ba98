import type { ThoughtTemplatesBuiltV1 } from '@fusion/contracts';
import type { ThoughtTemplate } from '../../domain/thought-template';

/** Trace and correlation metadata carried onto the build's event. */
export interface BuildContext {
  correlationId?: string;
  traceparent?: string;
  tracestate?: string;
}

/** A tenant's library as stored, with the embedding space its vectors are in. */
export interface StoredLibrary {
  buildId: string | null;
  embedder: string | null;
  templates: ThoughtTemplate[];
}

/** Where thought-template libraries live: one per tenant, replaced as a whole by each build. */
export interface ThoughtLibraryStore {
  /** Version of the tenant's library stream (0 = never built). */
  version(tenant: string): Promise<number>;
  /**
   * Replaces the tenant's templates and records `ThoughtTemplatesBuilt` in one transaction. Fails with
   * CONCURRENCY_CONFLICT when another build committed since `expectedVersion` was read.
   */
  replace(
    tenant: string,
    build: ThoughtTemplatesBuiltV1,
    templates: readonly ThoughtTemplate[],
    expectedVersion: number,
    ctx?: BuildContext,
  ): Promise<void>;
  /** Id of the tenant's current build (cheap: lets a cache tell whether it is stale). */
  currentBuildId(tenant: string): Promise<string | null>;
  load(tenant: string): Promise<StoredLibrary>;
}
