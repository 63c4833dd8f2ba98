import type { DataSource } from 'typeorm';
import { LogRecorded, streamIdForQuery, type LogRecord, type LogRecordedV1 } from '@fusion/contracts';
import { entityManagerOf, type AppendRequest, type EventStore } from '@fusion/shared/event-store';
import { DomainError, uuidFromName } from '@fusion/shared/kernel';
import type {
  IngestContext,
  LogPage,
  LogRepository,
  StoreOutcome,
} from '../../application/ports/log-repository.port';

const CHUNK = 500;

/** Deterministic event id of a record's `LogRecorded`: a replayed append can never create a second event. */
export function logRecordedEventId(tenant: string, recordId: string): string {
  return uuidFromName(`LogRecorded/${tenant}/${recordId}`);
}

/** Postgres/PGlite log store; rows and `LogRecorded` events (plus outbox) commit in one transaction. */
export class TypeOrmLogRepository implements LogRepository {
  constructor(
    private readonly ds: DataSource,
    private readonly store_: EventStore,
  ) {}

  async store(records: readonly LogRecord[], ctx: IngestContext = {}): Promise<StoreOutcome> {
    const firsts = new Map<string, LogRecord>();
    for (const r of records) {
      const key = `${r.tenant}\u0000${r.recordId}`;
      if (!firsts.has(key)) firsts.set(key, r);
    }
    const unique = [...firsts.values()];
    return this.store_.transaction(async (tx) => {
      const m = entityManagerOf(tx);
      const inserted: LogRecord[] = [];
      for (let i = 0; i < unique.length; i += CHUNK) {
        const chunk = unique.slice(i, i + CHUNK);
        const params: unknown[] = [];
        const values = chunk.map((r) => {
          const b = params.length;
          params.push(r.tenant, r.recordId, r.queryId, r.llm, r.promptMode, r.taskName, JSON.stringify(r));
          return `($${b + 1},$${b + 2},$${b + 3},$${b + 4},$${b + 5},$${b + 6},$${b + 7})`;
        });
        const rows = (await m.query(
          `INSERT INTO ingestion_log_records (tenant, record_id, query_id, llm, prompt_mode, task_name, record)
           VALUES ${values.join(',')} ON CONFLICT (tenant, record_id) DO NOTHING RETURNING tenant, record_id`,
          params,
        )) as { tenant: string; record_id: string }[];
        const fresh = new Set(rows.map((r) => `${r.tenant}\u0000${r.record_id}`));
        for (const r of chunk) if (fresh.has(`${r.tenant}\u0000${r.recordId}`)) inserted.push(r);
      }
      const byStream = new Map<string, AppendRequest>();
      for (const r of inserted) {
        const streamId = streamIdForQuery(r.tenant, r.queryId);
        const req = byStream.get(streamId) ?? { streamId, expectedVersion: 'any' as const, events: [] };
        req.events.push({
          eventId: logRecordedEventId(r.tenant, r.recordId),
          type: LogRecorded.type,
          schemaVersion: LogRecorded.schemaVersion,
          tenant: r.tenant,
          data: { record: r } satisfies LogRecordedV1,
        });
        byStream.set(streamId, req);
      }
      await this.store_.appendMany([...byStream.values()], ctx, tx);
      const acceptedKeys = new Set(inserted.map((r) => `${r.tenant}\u0000${r.recordId}`));
      return {
        accepted: inserted.map((r) => r.recordId),
        duplicates: unique
          .filter((r) => !acceptedKeys.has(`${r.tenant}\u0000${r.recordId}`))
          .map((r) => r.recordId),
      };
    });
  }

  async get(tenant: string, recordId: string): Promise<LogRecord | null> {
    const rows = (await this.ds.query(
      `SELECT record FROM ingestion_log_records WHERE tenant = $1 AND record_id = $2`,
      [tenant, recordId],
    )) as { record: LogRecord }[];
    return rows[0]?.record ?? null;
  }

  async list(
    tenant: string,
    opts: { pageSize: number; cursor?: string; queryId?: string; llm?: string },
  ): Promise<LogPage> {
    const after = decodeCursor(opts.cursor);
    const where = ['tenant = $1', 'seq > $2'];
    const params: unknown[] = [tenant, after];
    if (opts.queryId) where.push(`query_id = $${params.push(opts.queryId)}`);
    if (opts.llm) where.push(`llm = $${params.push(opts.llm)}`);
    const limit = params.push(opts.pageSize + 1);
    const rows = (await this.ds.query(
      `SELECT seq, record FROM ingestion_log_records WHERE ${where.join(' AND ')} ORDER BY seq LIMIT $${limit}`,
      params,
    )) as { seq: string; record: LogRecord }[];
    const page = rows.slice(0, opts.pageSize);
    const countParams = params.slice(0, params.length - 1);
    countParams[1] = '0';
    const total = (await this.ds.query(
      `SELECT count(*)::int AS n FROM ingestion_log_records WHERE ${where.join(' AND ')}`,
      countParams,
    )) as { n: number }[];
    return {
      records: page.map((r) => r.record),
      next: rows.length > opts.pageSize ? encodeCursor(page[page.length - 1]?.seq ?? '0') : null,
      total: Number(total[0]?.n ?? 0),
    };
  }

  async count(tenant: string): Promise<number> {
    const rows = (await this.ds.query(
      `SELECT count(*)::int AS n FROM ingestion_log_records WHERE tenant = $1`,
      [tenant],
    )) as { n: number }[];
    return Number(rows[0]?.n ?? 0);
  }
}

function encodeCursor(seq: string): string {
  return Buffer.from(`seq:${seq}`).toString('base64url');
}

function decodeCursor(cursor: string | undefined): string {
  if (!cursor) return '0';
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const m = /^seq:(\d{1,19})$/.exec(text);
  if (!m) throw DomainError.invalidArgument('page_token', 'is not a token returned by ListLogs');
  return m[1] as string;
}
