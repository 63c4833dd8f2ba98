import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The scoring pipeline's tables: the scored-log projection the benchmark reads (`evaluation_records`), the
 * per-record results for lookups (`evaluation_scores`) and the queue of slow work (`evaluation_jobs`).
 */
export class CreateEvaluationTables1767225800000 implements MigrationInterface {
  name = 'CreateEvaluationTables1767225800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE IF NOT EXISTS evaluation_records (
        seq bigserial UNIQUE,
        tenant text NOT NULL,
        record_id text NOT NULL,
        query_id text NOT NULL,
        task_name text NOT NULL,
        task_domain text NOT NULL,
        query text NOT NULL,
        llm text NOT NULL,
        prompt_mode text NOT NULL,
        performance double precision,
        performance_source text,
        cost_usd double precision,
        judge_score double precision,
        split text,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant, record_id)
      )`);
    await q.query(
      `CREATE INDEX IF NOT EXISTS evaluation_records_tenant_seq ON evaluation_records (tenant, seq)`,
    );
    await q.query(`
      CREATE TABLE IF NOT EXISTS evaluation_scores (
        tenant text NOT NULL,
        record_id text NOT NULL,
        query_id text NOT NULL,
        metric text,
        variant text,
        performance double precision,
        reason text,
        scored_at timestamptz,
        judge_status text,
        judge_score double precision,
        judge_model text,
        judge_prompt_version text,
        judge_raw_output text,
        judge_error text,
        judged_at timestamptz,
        PRIMARY KEY (tenant, record_id)
      )`);
    await q.query(`
      CREATE TABLE IF NOT EXISTS evaluation_jobs (
        tenant text NOT NULL,
        record_id text NOT NULL,
        kind text NOT NULL,
        subject jsonb NOT NULL,
        causation_id text NOT NULL,
        correlation_id text NOT NULL,
        traceparent text,
        tracestate text,
        attempts integer NOT NULL DEFAULT 0,
        not_before timestamptz NOT NULL DEFAULT now(),
        claim_token text,
        claimed_until timestamptz,
        last_error text,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant, record_id, kind)
      )`);
    await q.query(`CREATE INDEX IF NOT EXISTS evaluation_jobs_due ON evaluation_jobs (kind, not_before)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE IF EXISTS evaluation_jobs');
    await q.query('DROP TABLE IF EXISTS evaluation_scores');
    await q.query('DROP TABLE IF EXISTS evaluation_records');
  }
}
