import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The routing context's tables: the training-sample projection (one row per log record, scores filled in as
 * they arrive; a score seen before its record leaves a partial row the record completes), the per-tenant counter that drives auto-training, and the router artifacts (written with their
 * `RouterVersionRegistered` event).
 */
export class CreateRoutingTables1767225800000 implements MigrationInterface {
  name = 'CreateRoutingTables1767225800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE IF NOT EXISTS routing_samples (
        tenant text NOT NULL,
        record_id text NOT NULL,
        query_id text NOT NULL,
        task_name text,
        task_domain text,
        query text,
        candidate text,
        llm text,
        prompt_mode text,
        response text,
        performance double precision,
        cost_usd double precision,
        judge_score double precision,
        input_tokens bigint,
        output_tokens bigint,
        input_price double precision,
        output_price double precision,
        latency_ms double precision,
        split text,
        source_position bigint,
        scored_counted boolean NOT NULL DEFAULT false,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant, record_id)
      )`);
    await q.query(
      `CREATE INDEX IF NOT EXISTS routing_samples_tenant_query ON routing_samples (tenant, query_id)`,
    );
    await q.query(`
      CREATE TABLE IF NOT EXISTS routing_training_counters (
        tenant text PRIMARY KEY,
        new_scored bigint NOT NULL DEFAULT 0,
        total_scored bigint NOT NULL DEFAULT 0,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE IF NOT EXISTS routing_artifacts (
        key text PRIMARY KEY,
        tenant text NOT NULL,
        router_id text NOT NULL,
        version integer NOT NULL,
        kind text NOT NULL,
        sha256 text NOT NULL,
        size_bytes integer NOT NULL,
        body text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(
      `CREATE INDEX IF NOT EXISTS routing_artifacts_tenant ON routing_artifacts (tenant, version)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE IF EXISTS routing_artifacts');
    await q.query('DROP TABLE IF EXISTS routing_training_counters');
    await q.query('DROP TABLE IF EXISTS routing_samples');
  }
}
