import type { DataSource } from 'typeorm';
import { streamIdForRouter } from '@fusion/contracts';
import { entityManagerOf, type EventStore } from '@fusion/shared/event-store';
import { DomainError } from '@fusion/shared/kernel';
import type {
  ArtifactToStore,
  RegistryAppendContext,
  RouterRegistryStore,
} from '../../application/ports/router-registry.store.port';
import {
  foldRegistry,
  type RegistryEvent,
  type RouterRegistryState,
} from '../../application/registry/router-registry.decider';

/** The registry stream of a tenant: `router-<tenant>-registry`. */
export function registryStreamId(tenant: string): string {
  return streamIdForRouter(tenant, 'registry');
}

/** The router registry on the event store, with artifacts in `routing_artifacts` (same transaction as the events). */
export class TypeOrmRouterRegistryStore implements RouterRegistryStore {
  constructor(
    private readonly ds: DataSource,
    private readonly store: EventStore,
  ) {}

  async load(tenant: string): Promise<RouterRegistryState> {
    const events = await this.store.readStream(registryStreamId(tenant));
    return foldRegistry(tenant, events);
  }

  streamVersion(tenant: string): Promise<number> {
    return this.store.streamVersion(registryStreamId(tenant));
  }

  async commit(
    tenant: string,
    expectedVersion: number,
    events: readonly RegistryEvent[],
    ctx: RegistryAppendContext = {},
    artifact?: ArtifactToStore,
  ): Promise<void> {
    if (events.length === 0 && !artifact) return;
    await this.store.transaction(async (tx) => {
      if (artifact) {
        await entityManagerOf(tx).query(
          `INSERT INTO routing_artifacts (key, tenant, router_id, version, kind, sha256, size_bytes, body)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (key) DO NOTHING`,
          [
            artifact.key,
            artifact.tenant,
            artifact.routerId,
            artifact.version,
            artifact.kind,
            artifact.sha256,
            Buffer.byteLength(artifact.body),
            artifact.body,
          ],
        );
      }
      await this.store.append(
        {
          streamId: registryStreamId(tenant),
          expectedVersion,
          events: events.map((e) => ({ type: e.type, tenant, data: e.data })),
        },
        ctx,
        tx,
      );
    });
  }

  async loadArtifact(key: string): Promise<string> {
    const rows = (await this.ds.query(`SELECT body FROM routing_artifacts WHERE key = $1`, [key])) as {
      body: string;
    }[];
    const body = rows[0]?.body;
    if (body === undefined) throw DomainError.notFound(`router artifact ${key}`);
    return body;
  }

  async tenants(): Promise<string[]> {
    const rows = (await this.ds.query(`SELECT DISTINCT tenant FROM routing_artifacts ORDER BY tenant`)) as {
      tenant: string;
    }[];
    return rows.map((r) => r.tenant);
  }
}
