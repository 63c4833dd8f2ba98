import type { DataSource, EntityManager } from 'typeorm';
import type { LogRecord, PromptMode, Split, TaskDomain } from '@fusion/contracts';
import {
  entityManagerOf,
  type AppendRequest,
  type EventStore,
  type TransactionContext,
} from '@fusion/shared/event-store';
import type { IdGenerator } from '@fusion/shared/kernel';
import { judgeErrorText, judgeRawOutput } from '../../application/scoring-pipeline/scoring-events';
import type {
  NewScoringJob,
  PendingJobCounts,
  ProjectedRecord,
  ScoringJob,
  ScoringJobKind,
  ScoringRepository,
  ScoringResult,
  ScoringSubject,
  StoredScore,
} from '../../application/scoring-pipeline/scoring-pipeline.port';

// Rows per multi-row statement: at most 14 columns x 500 rows, far below Postgres' 65,535 bind parameters.
const CHUNK = 500;

interface JobRow {
  tenant: string;
  record_id: string;
  kind: ScoringJobKind;
  subject: ScoringSubject | string;
  causation_id: string;
  correlation_id: string;
  traceparent: string | null;
  tracestate: string | null;
  attempts: number;
  claim_token: string;
}

interface ScoreRow {
  tenant: string;
  record_id: string;
  query_id: string;
  metric: string | null;
  variant: string | null;
  performance: number | null;
  reason: string | null;
  scored_at: Date | string | null;
  judge_status: 'judged' | 'not_judged' | null;
  judge_score: number | null;
  judge_model: string | null;
  judge_prompt_version: string | null;
  judge_raw_output: string | null;
  judge_error: string | null;
  judged_at: Date | string | null;
}

interface RecordRow {
  tenant: string;
  record_id: string;
  query_id: string;
  task_name: string;
  task_domain: string;
  query: string;
  llm: string;
  prompt_mode: string;
  performance: number | null;
  cost_usd: number | null;
  judge_score: number | null;
  split: string | null;
  updated_at: Date | string;
}

async function insertRows(
  m: EntityManager,
  table: string,
  columns: readonly string[],
  rows: readonly unknown[][],
  suffix: string,
): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK) {
    const params: unknown[] = [];
    const values = rows.slice(i, i + CHUNK).map((row) => {
      const b = params.length;
      params.push(...row);
      return `(${row.map((_, k) => `$${b + k + 1}`).join(',')})`;
    });
    await m.query(
      `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${values.join(',')} ${suffix}`,
      params,
    );
  }
}

function lastPerKey<T extends { subject: { tenant: string; recordId: string } }>(items: readonly T[]): T[] {
  const byKey = new Map<string, T>();
  for (const it of items) byKey.set(`${it.subject.tenant}\u0000${it.subject.recordId}`, it);
  return [...byKey.values()];
}

function iso(v: Date | string | null): string | null {
  if (v === null) return null;
  return v instanceof Date ? v.toISOString() : new Date(v).toISOString();
}

function num(v: number | string | null): number | null {
  return v === null ? null : Number(v);
}

/** Postgres/PGlite storage of the scoring pipeline; results and their events commit in one transaction. */
export class TypeOrmScoringRepository implements ScoringRepository {
  constructor(
    private readonly ds: DataSource,
    private readonly store: EventStore,
    private readonly ids: IdGenerator,
  ) {}

  async acceptBatch(
    batch: { records: ProjectedRecord[]; results: ScoringResult[]; jobs: NewScoringJob[] },
    tx: TransactionContext,
  ): Promise<void> {
    const m = entityManagerOf(tx);
    await insertRows(
      m,
      'evaluation_records',
      [
        'tenant',
        'record_id',
        'query_id',
        'task_name',
        'task_domain',
        'query',
        'llm',
        'prompt_mode',
        'performance',
        'performance_source',
        'cost_usd',
        'judge_score',
        'split',
      ],
      batch.records.map((r) => [
        r.tenant,
        r.recordId,
        r.queryId,
        r.taskName,
        r.taskDomain,
        r.query,
        r.llm,
        r.promptMode,
        r.performance,
        r.performanceSource,
        r.costUsd,
        r.judgeScore,
        r.split,
      ]),
      'ON CONFLICT (tenant, record_id) DO NOTHING',
    );
    await this.writeResults(m, batch.results);
    await insertRows(
      m,
      'evaluation_jobs',
      [
        'tenant',
        'record_id',
        'kind',
        'subject',
        'causation_id',
        'correlation_id',
        'traceparent',
        'tracestate',
      ],
      batch.jobs.map((j) => [
        j.subject.tenant,
        j.subject.recordId,
        j.kind,
        JSON.stringify(j.subject),
        j.origin.eventId,
        j.origin.correlationId,
        j.origin.traceparent,
        j.origin.tracestate,
      ]),
      'ON CONFLICT (tenant, record_id, kind) DO NOTHING',
    );
    await this.appendEvents(batch.results, tx);
  }

  async claim(kind: ScoringJobKind, limit: number, leaseMs: number): Promise<ScoringJob[]> {
    const token = this.ids.next();
    // One statement (its own short transaction); SKIP LOCKED lets replicas on Postgres lease disjoint jobs.
    const rows = (await this.ds.query(
      `WITH due AS (
         SELECT tenant, record_id, kind FROM evaluation_jobs
         WHERE kind = $1 AND not_before <= now() AND (claimed_until IS NULL OR claimed_until < now())
         ORDER BY not_before, created_at LIMIT $2
         FOR UPDATE SKIP LOCKED),
       claimed AS (
         UPDATE evaluation_jobs j
         SET claim_token = $3, claimed_until = now() + $4::double precision * interval '1 millisecond',
             attempts = j.attempts + 1
         FROM due WHERE j.tenant = due.tenant AND j.record_id = due.record_id AND j.kind = due.kind
         RETURNING j.tenant, j.record_id, j.kind, j.subject, j.causation_id, j.correlation_id, j.traceparent,
                   j.tracestate, j.attempts, j.claim_token)
       SELECT * FROM claimed`,
      [kind, limit, token, leaseMs],
    )) as JobRow[];
    return rows.map((r) => ({
      kind: r.kind,
      subject: typeof r.subject === 'string' ? (JSON.parse(r.subject) as ScoringSubject) : r.subject,
      origin: {
        eventId: r.causation_id,
        correlationId: r.correlation_id,
        traceparent: r.traceparent,
        tracestate: r.tracestate,
      },
      attempts: Number(r.attempts),
      claimToken: r.claim_token,
    }));
  }

  async complete(job: ScoringJob, result: ScoringResult): Promise<boolean> {
    return this.store.transaction(async (tx) => {
      const m = entityManagerOf(tx);
      const gone = (await m.query(
        `WITH gone AS (
           DELETE FROM evaluation_jobs WHERE tenant = $1 AND record_id = $2 AND kind = $3 AND claim_token = $4
           RETURNING record_id)
         SELECT * FROM gone`,
        [job.subject.tenant, job.subject.recordId, job.kind, job.claimToken],
      )) as unknown[];
      if (gone.length === 0) return false;
      await this.writeResults(m, [result]);
      if (result.kind === 'score' && result.outcome.performance !== null) {
        await m.query(
          `UPDATE evaluation_records SET performance = $3, performance_source = 'computed', updated_at = now()
           WHERE tenant = $1 AND record_id = $2 AND performance IS NULL`,
          [result.subject.tenant, result.subject.recordId, result.outcome.performance],
        );
      }
      if (result.kind === 'judge' && result.verdict.score !== null) {
        await m.query(
          `UPDATE evaluation_records SET judge_score = $3, updated_at = now()
           WHERE tenant = $1 AND record_id = $2 AND judge_score IS NULL`,
          [result.subject.tenant, result.subject.recordId, result.verdict.score],
        );
      }
      await this.appendEvents([result], tx);
      return true;
    });
  }

  async reschedule(job: ScoringJob, error: string, delayMs: number): Promise<void> {
    await this.ds.query(
      `WITH r AS (
         UPDATE evaluation_jobs
         SET claim_token = NULL, claimed_until = NULL, last_error = $5,
             not_before = now() + $6::double precision * interval '1 millisecond'
         WHERE tenant = $1 AND record_id = $2 AND kind = $3 AND claim_token = $4 RETURNING 1)
       SELECT count(*)::int AS n FROM r`,
      [job.subject.tenant, job.subject.recordId, job.kind, job.claimToken, error.slice(0, 4000), delayMs],
    );
  }

  async release(jobs: readonly ScoringJob[]): Promise<void> {
    if (jobs.length === 0) return;
    await this.ds.query(
      `WITH r AS (
         UPDATE evaluation_jobs SET claim_token = NULL, claimed_until = NULL, attempts = greatest(attempts - 1, 0)
         WHERE claim_token = ANY($1) RETURNING 1)
       SELECT count(*)::int AS n FROM r`,
      [[...new Set(jobs.map((j) => j.claimToken))]],
    );
  }

  async pendingJobs(): Promise<PendingJobCounts> {
    const rows = (await this.ds.query(
      `SELECT kind, count(*)::int AS n FROM evaluation_jobs GROUP BY kind`,
    )) as {
      kind: ScoringJobKind;
      n: number;
    }[];
    const out: PendingJobCounts = { score: 0, judge: 0 };
    for (const r of rows) out[r.kind] = Number(r.n);
    return out;
  }

  async scoreOf(tenant: string, recordId: string): Promise<StoredScore | null> {
    const rows = (await this.ds.query(
      `SELECT * FROM evaluation_scores WHERE tenant = $1 AND record_id = $2`,
      [tenant, recordId],
    )) as ScoreRow[];
    const r = rows[0];
    if (!r) return null;
    return {
      tenant: r.tenant,
      recordId: r.record_id,
      queryId: r.query_id,
      metric: r.metric,
      variant: r.variant,
      performance: num(r.performance),
      reason: r.reason,
      scoredAt: iso(r.scored_at),
      judgeStatus: r.judge_status,
      judgeScore: num(r.judge_score),
      judgeModel: r.judge_model,
      judgePromptVersion: r.judge_prompt_version,
      judgeRawOutput: r.judge_raw_output,
      judgeError: r.judge_error,
      judgedAt: iso(r.judged_at),
    };
  }

  async records(tenant: string): Promise<LogRecord[]> {
    const rows = (await this.ds.query(`SELECT * FROM evaluation_records WHERE tenant = $1 ORDER BY seq`, [
      tenant,
    ])) as RecordRow[];
    return rows.map((r) => ({
      recordId: r.record_id,
      tenant: r.tenant,
      taskName: r.task_name,
      taskDomain: r.task_domain as TaskDomain,
      queryId: r.query_id,
      query: r.query,
      promptMode: r.prompt_mode as PromptMode,
      llm: r.llm,
      response: '',
      groundTruth: null,
      metric: null,
      performance: num(r.performance),
      judgeScore: num(r.judge_score),
      inputTokens: null,
      outputTokens: null,
      inputPrice: null,
      outputPrice: null,
      costUsd: num(r.cost_usd),
      latencyMs: null,
      split: (r.split as Split | null) ?? null,
      createdAt: iso(r.updated_at) ?? '',
      metadata: {},
    }));
  }

  private async writeResults(m: EntityManager, results: readonly ScoringResult[]): Promise<void> {
    const scores = lastPerKey(results.filter((r) => r.kind === 'score'));
    const judged = lastPerKey(results.filter((r) => r.kind === 'judge'));
    await insertRows(
      m,
      'evaluation_scores',
      ['tenant', 'record_id', 'query_id', 'metric', 'variant', 'performance', 'reason', 'scored_at'],
      scores.map((r) => [
        r.subject.tenant,
        r.subject.recordId,
        r.subject.queryId,
        r.outcome.metric,
        r.outcome.variant,
        r.outcome.performance,
        r.outcome.reason,
        r.at,
      ]),
      `ON CONFLICT (tenant, record_id) DO UPDATE SET metric = EXCLUDED.metric, variant = EXCLUDED.variant,
         performance = EXCLUDED.performance, reason = EXCLUDED.reason, scored_at = EXCLUDED.scored_at`,
    );
    await insertRows(
      m,
      'evaluation_scores',
      [
        'tenant',
        'record_id',
        'query_id',
        'judge_status',
        'judge_score',
        'judge_model',
        'judge_prompt_version',
        'judge_raw_output',
        'judge_error',
        'judged_at',
      ],
      judged.map((r) => [
        r.subject.tenant,
        r.subject.recordId,
        r.subject.queryId,
        r.verdict.status,
        r.verdict.score,
        r.verdict.judgeModel,
        r.verdict.promptVersion,
        judgeRawOutput(r.verdict),
        judgeErrorText(r.verdict),
        r.at,
      ]),
      `ON CONFLICT (tenant, record_id) DO UPDATE SET judge_status = EXCLUDED.judge_status,
         judge_score = EXCLUDED.judge_score, judge_model = EXCLUDED.judge_model,
         judge_prompt_version = EXCLUDED.judge_prompt_version, judge_raw_output = EXCLUDED.judge_raw_output,
         judge_error = EXCLUDED.judge_error, judged_at = EXCLUDED.judged_at`,
    );
  }

  /** Appends results' events in `tx`, one appendMany per trace context (each event keeps its own causation). */
  private async appendEvents(results: readonly ScoringResult[], tx: TransactionContext): Promise<void> {
    const byTrace = new Map<
      string,
      { ctx: { traceparent?: string; tracestate?: string }; streams: Map<string, AppendRequest> }
    >();
    for (const r of results) {
      const key = `${r.origin.traceparent ?? ''}\u0000${r.origin.tracestate ?? ''}`;
      let group = byTrace.get(key);
      if (!group) {
        group = {
          ctx: {
            ...(r.origin.traceparent ? { traceparent: r.origin.traceparent } : {}),
            ...(r.origin.tracestate ? { tracestate: r.origin.tracestate } : {}),
          },
          streams: new Map(),
        };
        byTrace.set(key, group);
      }
      const req = group.streams.get(r.event.streamId) ?? {
        streamId: r.event.streamId,
        expectedVersion: 'any' as const,
        events: [],
      };
      req.events.push(r.event.event);
      group.streams.set(r.event.streamId, req);
    }
    for (const group of byTrace.values())
      await this.store.appendMany([...group.streams.values()], group.ctx, tx);
  }
}
