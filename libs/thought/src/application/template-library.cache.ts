import type { Embedder } from '@fusion/shared/llm';
import type { ThoughtTemplate } from '../domain/thought-template';
import type { ThoughtLibraryStore } from './ports/thought-library-store.port';

interface Entry {
  buildId: string | null;
  templates: ThoughtTemplate[];
}

/**
 * Each tenant's templates in memory. A lookup asks the store for the current build id (one small query),
 * so a build by this or another replica is picked up at once; the library itself loads once per build.
 * Vectors stored in another embedding space are re-embedded with the configured embedder.
 */
export class TemplateLibraryCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly store: ThoughtLibraryStore,
    private readonly embedder: Embedder,
  ) {}

  async get(tenant: string): Promise<ThoughtTemplate[]> {
    const current = await this.store.currentBuildId(tenant);
    const cached = this.entries.get(tenant);
    if (cached && cached.buildId === current) return cached.templates;
    const stored = await this.store.load(tenant);
    let templates = stored.templates;
    if (templates.length > 0 && stored.embedder !== this.embedder.id) {
      const vectors = await this.embedder.embed(templates.map((t) => t.query));
      templates = templates.map((t, i) => ({ ...t, embedding: vectors[i] as Float32Array }));
    }
    this.entries.set(tenant, { buildId: stored.buildId, templates });
    return templates;
  }

  /** Drops a tenant's entry (after a build in this process). */
  invalidate(tenant: string): void {
    this.entries.delete(tenant);
  }
}
