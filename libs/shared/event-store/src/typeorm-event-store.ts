import type { DataSource, EntityManager } from 'typeorm';
import { EVENT_CATALOG, upcasters, type EventEnvelope, type UpcasterRegistry } from '@fusion/contracts';
import { systemClock, uuidGenerator, type Clock, type IdGenerator } from '@fusion/shared/kernel';
import {
  ConcurrencyError,
  type AppendContext,
  type AppendRequest,
  type AppendResult,
  type EventStore,
  type ExpectedVersion,
  type TransactionContext,
} from './event-store.port';

/** Key of the advisory lock that serialises appends, so global positions commit in order (no gaps seen by readers). */
const APPEND_LOCK_KEY = 727_001;
/** Rows per multi-row INSERT (keeps bind parameters well under Postgres' 65,535). */
const INSERT_CHUNK = 500;

interface TxState {
  manager: EntityManager;
  locked: boolean;
  wroteOutbox: boolean;
}

/** The transaction handle our adapters understand. */
export function entityManagerOf(tx: TransactionContext): EntityManager {
  return (tx as unknown as TxState).manager;
}

export interface TypeOrmEventStoreOptions {
  /** Service name; the outbox relay of this service publishes the rows written here. */
  source: string;
  topicFor: (eventType: string) => string;
  clock?: Clock;
  ids?: IdGenerator;
  upcasters?: UpcasterRegistry;
}

interface EventRow {
  global_position: string;
  event_id: string;
  stream_id: string;
  stream_version: number;
  type: string;
  schema_version: number;
  tenant: string;
  data: unknown;
  metadata: Record<string, unknown>;
  occurred_at: Date | string;
}

export class TypeOrmEventStore implements EventStore {
  private readonly clock: Clock;
  private readonly ids: IdGenerator;
  private readonly upcasters: UpcasterRegistry;
  private readonly listeners = new Set<() => void>();
  private readonly currentVersions = new Map<string, number>(
    EVENT_CATALOG.map((e) => [e.type, e.schemaVersion] as const),
  );

  constructor(
    private readonly ds: DataSource,
    private readonly opts: TypeOrmEventStoreOptions,
  ) {
    this.clock = opts.clock ?? systemClock;
    this.ids = opts.ids ?? uuidGenerator;
    this.upcasters = opts.upcasters ?? upcasters;
  }

  async transaction<T>(work: (tx: TransactionContext) => Promise<T>): Promise<T> {
    let state: TxState | undefined;
    const result = await this.ds.transaction(async (manager) => {
      state = { manager, locked: false, wroteOutbox: false };
      return work(state as unknown as TransactionContext);
    });
    if (state?.wroteOutbox) this.notifyCommitted();
    return result;
  }

  onCommitted(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async append(request: AppendRequest, ctx?: AppendContext, tx?: TransactionContext): Promise<AppendResult> {
    const [result] = await this.appendMany([request], ctx, tx);
    return result as AppendResult;
  }

  async appendMany(
    requests: AppendRequest[],
    ctx: AppendContext = {},
    tx?: TransactionContext,
  ): Promise<AppendResult[]> {
    if (requests.length === 0) return [];
    if (!tx) return this.transaction((inner) => this.appendMany(requests, ctx, inner));
    const state = tx as unknown as TxState;
    const m = state.manager;
    if (!state.locked) {
      await m.query('SELECT pg_advisory_xact_lock($1)', [APPEND_LOCK_KEY]);
      state.locked = true;
    }
    const streamIds = [...new Set(requests.map((r) => r.streamId))];
    const versions = new Map<string, number>();
    const rows = (await m.query(
      'SELECT stream_id, max(stream_version) AS v FROM events WHERE stream_id = ANY($1) GROUP BY stream_id',
      [streamIds],
    )) as { stream_id: string; v: number }[];
    for (const r of rows) versions.set(r.stream_id, Number(r.v));

    const now = this.clock.now().toISOString();
    const correlationId = ctx.correlationId ?? this.ids.next();
    const envelopes: EventEnvelope[] = [];
    const results: AppendResult[] = [];
    for (const req of requests) {
      const current = versions.get(req.streamId) ?? 0;
      checkExpected(req.streamId, req.expectedVersion, current);
      let version = current;
      const out: EventEnvelope[] = [];
      for (const e of req.events) {
        version += 1;
        const env: EventEnvelope = {
          eventId: e.eventId ?? this.ids.next(),
          type: e.type,
          schemaVersion: e.schemaVersion ?? this.currentVersions.get(e.type) ?? 1,
          streamId: req.streamId,
          streamVersion: version,
          occurredAt: e.occurredAt ?? now,
          tenant: e.tenant,
          causationId: e.causationId ?? ctx.causationId ?? null,
          correlationId: e.correlationId ?? correlationId,
          source: this.opts.source,
          ...((e.traceparent ?? ctx.traceparent) ? { traceparent: e.traceparent ?? ctx.traceparent } : {}),
          ...((e.tracestate ?? ctx.tracestate) ? { tracestate: e.tracestate ?? ctx.tracestate } : {}),
          data: e.data,
        };
        out.push(env);
      }
      versions.set(req.streamId, version);
      envelopes.push(...out);
      results.push({ streamId: req.streamId, nextVersion: version, lastPosition: '0', envelopes: out });
    }

    for (let i = 0; i < envelopes.length; i += INSERT_CHUNK) {
      const chunk = envelopes.slice(i, i + INSERT_CHUNK);
      const params: unknown[] = [];
      const values = chunk.map((env) => {
        const base = params.length;
        params.push(
          env.eventId,
          env.streamId,
          env.streamVersion,
          env.type,
          env.schemaVersion,
          env.tenant,
          JSON.stringify(env.data),
          JSON.stringify(metadataOf(env)),
          env.occurredAt,
        );
        return `(${Array.from({ length: 9 }, (_, k) => `$${base + k + 1}`).join(',')})`;
      });
      const inserted = (await m.query(
        `INSERT INTO events (event_id, stream_id, stream_version, type, schema_version, tenant, data, metadata, occurred_at)
         VALUES ${values.join(',')} RETURNING global_position`,
        params,
      )) as { global_position: string }[];
      const positions = inserted
        .map((r) => BigInt(r.global_position))
        .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      chunk.forEach((env, k) => (env.globalPosition = String(positions[k])));
    }
    for (const r of results) r.lastPosition = r.envelopes[r.envelopes.length - 1]?.globalPosition ?? '0';

    for (let i = 0; i < envelopes.length; i += INSERT_CHUNK) {
      const chunk = envelopes.slice(i, i + INSERT_CHUNK);
      const params: unknown[] = [];
      const values = chunk.map((env) => {
        const base = params.length;
        params.push(
          env.eventId,
          this.opts.source,
          this.opts.topicFor(env.type),
          env.streamId,
          JSON.stringify(env),
          JSON.stringify(headersOf(env)),
        );
        return `(${Array.from({ length: 6 }, (_, k) => `$${base + k + 1}`).join(',')})`;
      });
      await m.query(
        `INSERT INTO outbox (event_id, source, topic, message_key, payload, headers) VALUES ${values.join(',')}`,
        params,
      );
    }
    state.wroteOutbox = true;
    return results;
  }

  async streamVersion(streamId: string, tx?: TransactionContext): Promise<number> {
    const q = tx ? entityManagerOf(tx) : this.ds.manager;
    const rows = (await q.query('SELECT max(stream_version) AS v FROM events WHERE stream_id = $1', [
      streamId,
    ])) as {
      v: number | null;
    }[];
    return Number(rows[0]?.v ?? 0);
  }

  async readStream(streamId: string, fromVersion = 1, tx?: TransactionContext): Promise<EventEnvelope[]> {
    const q = tx ? entityManagerOf(tx) : this.ds.manager;
    const rows = (await q.query(
      `SELECT * FROM events WHERE stream_id = $1 AND stream_version >= $2 ORDER BY stream_version`,
      [streamId, fromVersion],
    )) as EventRow[];
    return rows.map((r) => this.toEnvelope(r));
  }

  async readAll(
    afterPosition: string,
    limit: number,
    types?: readonly string[],
    tx?: TransactionContext,
  ): Promise<EventEnvelope[]> {
    const q = tx ? entityManagerOf(tx) : this.ds.manager;
    const rows = (await (types && types.length > 0
      ? q.query(
          `SELECT * FROM events WHERE global_position > $1 AND type = ANY($3) ORDER BY global_position LIMIT $2`,
          [afterPosition, limit, [...types]],
        )
      : q.query(`SELECT * FROM events WHERE global_position > $1 ORDER BY global_position LIMIT $2`, [
          afterPosition,
          limit,
        ]))) as EventRow[];
    return rows.map((r) => this.toEnvelope(r));
  }

  private toEnvelope(r: EventRow): EventEnvelope {
    const md = r.metadata ?? {};
    const env: EventEnvelope = {
      eventId: r.event_id,
      type: r.type,
      schemaVersion: r.schema_version,
      streamId: r.stream_id,
      streamVersion: r.stream_version,
      globalPosition: String(r.global_position),
      occurredAt: r.occurred_at instanceof Date ? r.occurred_at.toISOString() : String(r.occurred_at),
      tenant: r.tenant,
      causationId: (md['causationId'] as string | null | undefined) ?? null,
      correlationId: String(md['correlationId'] ?? ''),
      source: String(md['source'] ?? ''),
      ...(md['traceparent'] ? { traceparent: String(md['traceparent']) } : {}),
      ...(md['tracestate'] ? { tracestate: String(md['tracestate']) } : {}),
      data: r.data,
    };
    const target = this.currentVersions.get(r.type);
    return target !== undefined && env.schemaVersion < target ? this.upcasters.upcast(env, target) : env;
  }

  private notifyCommitted(): void {
    for (const l of this.listeners) l();
  }
}

function checkExpected(streamId: string, expected: ExpectedVersion, actual: number): void {
  const ok =
    expected === 'any' ||
    (expected === 'no_stream' && actual === 0) ||
    (expected === 'stream_exists' && actual > 0) ||
    (typeof expected === 'number' && expected === actual);
  if (!ok) throw new ConcurrencyError(streamId, expected, actual);
}

function metadataOf(env: EventEnvelope): Record<string, unknown> {
  return {
    correlationId: env.correlationId,
    causationId: env.causationId,
    source: env.source,
    ...(env.traceparent ? { traceparent: env.traceparent } : {}),
    ...(env.tracestate ? { tracestate: env.tracestate } : {}),
  };
}

/** Kafka headers of an event: ids for idempotent consumers and the W3C trace context. */
export function headersOf(env: EventEnvelope): Record<string, string> {
  return {
    'event-id': env.eventId,
    'event-type': env.type,
    'schema-version': String(env.schemaVersion),
    'stream-id': env.streamId,
    tenant: env.tenant,
    'correlation-id': env.correlationId,
    ...(env.causationId ? { 'causation-id': env.causationId } : {}),
    ...(env.traceparent ? { traceparent: env.traceparent } : {}),
    ...(env.tracestate ? { tracestate: env.tracestate } : {}),
  };
}
