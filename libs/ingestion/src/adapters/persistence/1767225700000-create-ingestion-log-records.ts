import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The canonical log store (read model of `LogRecorded`, written inline with the events). */
export class CreateIngestionLogRecords1767225700000 implements MigrationInterface {
  name = 'CreateIngestionLogRecords1767225700000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE IF NOT EXISTS ingestion_log_records (
        seq bigserial UNIQUE,
        tenant text NOT NULL,
        record_id text NOT NULL,
        query_id text NOT NULL,
        llm text NOT NULL,
        prompt_mode text NOT NULL,
        task_name text NOT NULL,
        record jsonb NOT NULL,
        ingested_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant, record_id)
      )`);
    await q.query(
      `CREATE INDEX IF NOT EXISTS ingestion_log_records_tenant_seq ON ingestion_log_records (tenant, seq)`,
    );
    await q.query(
      `CREATE INDEX IF NOT EXISTS ingestion_log_records_query ON ingestion_log_records (tenant, query_id)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE IF EXISTS ingestion_log_records');
  }
}
