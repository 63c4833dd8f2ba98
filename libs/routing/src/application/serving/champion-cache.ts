import type { RouterModel } from '../../domain/router';
import { loadRouter } from '../../domain/router-registry';
import type { RoutingLogger } from '../ports/routing-metrics.port';
import type { RouterRegistryStore } from '../ports/router-registry.store.port';
import {
  versionOf,
  type RouterRegistryState,
  type RouterVersionInfo,
} from '../registry/router-registry.decider';

/** A registered version loaded into memory, ready to predict. */
export interface LoadedRouter {
  routerId: string;
  version: number;
  kind: string;
  artifactKey: string;
  model: RouterModel;
  /** Why this replica cannot serve it (another embedding space or dimension); null when it can. */
  incompatibility: string | null;
}

/** What one tenant serves: the champion and the challenger in shadow, with the registry state they came from. */
export interface TenantRouters {
  state: RouterRegistryState;
  champion: LoadedRouter | null;
  challenger: LoadedRouter | null;
}

/**
 * Keeps every tenant's champion (and challenger) in memory so a decision never reads the database. Loaded from the
 * registry at start-up and reloaded when the registry stream moves (a promotion here, a `RouterPromoted` seen on
 * the bus, or a poll), so every replica serves the champion the registry names. Swaps are atomic per tenant.
 */
export class ChampionCache {
  private readonly tenants = new Map<string, TenantRouters>();
  private readonly pending = new Map<string, Promise<TenantRouters>>();
  private readonly models = new Map<string, RouterModel>();

  constructor(
    private readonly deps: {
      registry: RouterRegistryStore;
      embedder: { id: string; dimension: number };
      logger: RoutingLogger;
    },
  ) {}

  /** The tenant's routers, or undefined when never loaded. Synchronous: the decision path. */
  get(tenant: string): TenantRouters | undefined {
    return this.tenants.get(tenant);
  }

  knownTenants(): string[] {
    return [...this.tenants.keys()];
  }

  /** Loads every tenant with a registered version. */
  async loadAll(): Promise<void> {
    const tenants = await this.deps.registry.tenants();
    await Promise.all(tenants.map((t) => this.refresh(t)));
  }

  /** Reloads tenants whose registry stream moved since they were loaded, and loads new ones. */
  async pollChanges(): Promise<string[]> {
    const changed: string[] = [];
    const tenants = new Set([...(await this.deps.registry.tenants()), ...this.tenants.keys()]);
    for (const tenant of tenants) {
      const version = await this.deps.registry.streamVersion(tenant);
      if (version !== (this.tenants.get(tenant)?.state.version ?? -1)) {
        await this.refresh(tenant);
        changed.push(tenant);
      }
    }
    return changed;
  }

  /** Re-reads the tenant's registry and swaps in the champion and challenger it names (serialised per tenant). */
  refresh(tenant: string): Promise<TenantRouters> {
    const previous = this.pending.get(tenant) ?? Promise.resolve(undefined);
    const next = previous
      .catch(() => undefined)
      .then(() => this.reload(tenant))
      .finally(() => {
        if (this.pending.get(tenant) === next) this.pending.delete(tenant);
      });
    this.pending.set(tenant, next);
    return next;
  }

  private async reload(tenant: string): Promise<TenantRouters> {
    const state = await this.deps.registry.load(tenant);
    const current = this.tenants.get(tenant);
    if (current && current.state.version === state.version) return current;
    const loaded: TenantRouters = {
      state,
      champion: await this.loadVersion(tenant, versionOf(state, state.champion)),
      challenger: await this.loadVersion(tenant, versionOf(state, state.challenger)),
    };
    this.tenants.set(tenant, loaded);
    const keep = new Set(
      [...this.tenants.values()]
        .flatMap((t) => [t.champion?.artifactKey, t.challenger?.artifactKey])
        .filter(Boolean),
    );
    for (const key of this.models.keys()) if (!keep.has(key)) this.models.delete(key);
    if (current?.champion?.version !== loaded.champion?.version) {
      this.deps.logger.info(
        {
          tenant,
          champion: loaded.champion ? `${loaded.champion.routerId} v${loaded.champion.version}` : null,
        },
        'routing champion loaded',
      );
    }
    return loaded;
  }

  private async loadVersion(
    tenant: string,
    info: RouterVersionInfo | undefined,
  ): Promise<LoadedRouter | null> {
    if (!info) return null;
    let model = this.models.get(info.artifactKey);
    if (!model) {
      try {
        model = loadRouter(JSON.parse(await this.deps.registry.loadArtifact(info.artifactKey)));
      } catch (err) {
        this.deps.logger.error(
          { tenant, artifactKey: info.artifactKey, err: (err as Error).message },
          'router artifact could not be loaded; the version is not served',
        );
        return null;
      }
      this.models.set(info.artifactKey, model);
    }
    const { id, dimension } = this.deps.embedder;
    const space = model.context.embeddingSpace;
    const incompatibility =
      model.context.dimension !== dimension
        ? `router ${info.routerId} v${info.version} expects ${model.context.dimension}-d embeddings, this replica embeds ${dimension}-d`
        : space !== null && space !== id
          ? `router ${info.routerId} v${info.version} was trained in embedding space ${space}, this replica embeds in ${id}`
          : null;
    if (incompatibility) this.deps.logger.warn({ tenant }, incompatibility);
    return {
      routerId: info.routerId,
      version: info.version,
      kind: info.kind,
      artifactKey: info.artifactKey,
      model,
      incompatibility,
    };
  }
}
