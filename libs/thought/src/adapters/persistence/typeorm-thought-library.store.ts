import type { DataSource } from 'typeorm';
import {
  streamIdForThoughtLibrary,
  ThoughtTemplatesBuilt,
  type ThoughtTemplatesBuiltV1,
} from '@fusion/contracts';
import { entityManagerOf, type EventStore } from '@fusion/shared/event-store';
import type {
  BuildContext,
  StoredLibrary,
  ThoughtLibraryStore,
} from '../../application/ports/thought-library-store.port';
import type { SelectionStrategy } from '../../domain/template-selection';
import type { ThoughtTemplate } from '../../domain/thought-template';

const CHUNK = 200;

interface TemplateRow {
  task_name: string;
  query_id: string;
  query: string;
  template: string;
  selection: SelectionStrategy;
  summarizer: string;
  embedding: number[] | string;
  metadata: Record<string, unknown> | string;
}

function parsedJson<T>(value: T | string): T {
  return typeof value === 'string' ? (JSON.parse(value) as T) : value;
}

/** Template libraries in Postgres/PGlite; each build replaces the tenant's rows and appends its event atomically. */
export class TypeOrmThoughtLibraryStore implements ThoughtLibraryStore {
  constructor(
    private readonly ds: DataSource,
    private readonly events: EventStore,
  ) {}

  version(tenant: string): Promise<number> {
    return this.events.streamVersion(streamIdForThoughtLibrary(tenant));
  }

  async replace(
    tenant: string,
    build: ThoughtTemplatesBuiltV1,
    templates: readonly ThoughtTemplate[],
    expectedVersion: number,
    ctx: BuildContext = {},
  ): Promise<void> {
    await this.events.transaction(async (tx) => {
      const m = entityManagerOf(tx);
      // The append comes first: a concurrent build fails here, before it touches any row.
      await this.events.append(
        {
          streamId: streamIdForThoughtLibrary(tenant),
          expectedVersion,
          events: [
            {
              type: ThoughtTemplatesBuilt.type,
              schemaVersion: ThoughtTemplatesBuilt.schemaVersion,
              tenant,
              data: build,
            },
          ],
        },
        ctx,
        tx,
      );
      await m.query(`DELETE FROM thought_templates WHERE tenant = $1`, [tenant]);
      for (let i = 0; i < templates.length; i += CHUNK) {
        const params: unknown[] = [];
        const values = templates.slice(i, i + CHUNK).map((t) => {
          const row = [
            tenant,
            t.taskName,
            t.queryId,
            t.query,
            t.template,
            t.selection,
            t.summarizer,
            build.buildId,
            JSON.stringify(Array.from(t.embedding)),
            JSON.stringify(t.metadata),
          ];
          return `(${row.map((v) => `$${params.push(v)}`).join(',')})`;
        });
        await m.query(
          `INSERT INTO thought_templates
             (tenant, task_name, query_id, query, template, selection, summarizer, build_id, embedding, metadata)
           VALUES ${values.join(',')}`,
          params,
        );
      }
      await m.query(
        `INSERT INTO thought_template_libraries (tenant, build_id, selection, summarizer, embedder, queries_per_task, templates)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (tenant) DO UPDATE SET build_id = EXCLUDED.build_id, selection = EXCLUDED.selection,
           summarizer = EXCLUDED.summarizer, embedder = EXCLUDED.embedder, queries_per_task = EXCLUDED.queries_per_task,
           templates = EXCLUDED.templates, built_at = now()`,
        [
          tenant,
          build.buildId,
          build.selection,
          build.summarizer,
          build.embedder,
          build.queriesPerTask,
          build.templates,
        ],
      );
    });
  }

  async currentBuildId(tenant: string): Promise<string | null> {
    const rows = (await this.ds.query(`SELECT build_id FROM thought_template_libraries WHERE tenant = $1`, [
      tenant,
    ])) as {
      build_id: string;
    }[];
    return rows[0]?.build_id ?? null;
  }

  async load(tenant: string): Promise<StoredLibrary> {
    const libs = (await this.ds.query(
      `SELECT build_id, embedder FROM thought_template_libraries WHERE tenant = $1`,
      [tenant],
    )) as { build_id: string; embedder: string }[];
    const rows = (await this.ds.query(
      `SELECT task_name, query_id, query, template, selection, summarizer, embedding, metadata
         FROM thought_templates WHERE tenant = $1 ORDER BY task_name, query_id`,
      [tenant],
    )) as TemplateRow[];
    return {
      buildId: libs[0]?.build_id ?? null,
      embedder: libs[0]?.embedder ?? null,
      templates: rows.map((r) => ({
        taskName: r.task_name,
        queryId: r.query_id,
        query: r.query,
        template: r.template,
        selection: r.selection,
        summarizer: r.summarizer,
        embedding: Float32Array.from(parsedJson<number[]>(r.embedding)),
        metadata: parsedJson<Record<string, unknown>>(r.metadata),
      })),
    };
  }
}
