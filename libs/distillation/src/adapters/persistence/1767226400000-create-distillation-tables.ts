import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The distillation context's log projection, its datasets and the jobs read model. */
export class CreateDistillationTables1767226400000 implements MigrationInterface {
  name = 'CreateDistillationTables1767226400000';

  async up(q: QueryRunner): Promise<void> {
    // Score events may arrive before the record they score, so everything but the key may be missing for a while.
    await q.query(`
      CREATE TABLE IF NOT EXISTS distillation_responses (
        tenant text NOT NULL,
        record_id text NOT NULL,
        query_id text NOT NULL,
        task_name text,
        query text,
        llm text,
        prompt_mode text,
        response text,
        ground_truth text,
        metric text,
        performance double precision,
        judge_score double precision,
        cost_usd double precision,
        output_tokens bigint,
        split text,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant, record_id)
      )`);
    await q.query(
      `CREATE INDEX IF NOT EXISTS distillation_responses_split ON distillation_responses (tenant, split, task_name)`,
    );
    await q.query(`
      CREATE TABLE IF NOT EXISTS distillation_datasets (
        tenant text NOT NULL,
        dataset_id text NOT NULL,
        dataset_name text NOT NULL,
        setting text NOT NULL,
        top_k int NOT NULL,
        records int NOT NULL,
        queries int NOT NULL,
        path text NOT NULL,
        relative_dir text NOT NULL,
        skipped_responses int NOT NULL,
        queries_without_ground_truth int NOT NULL,
        created_at timestamptz NOT NULL,
        PRIMARY KEY (tenant, dataset_id)
      )`);
    await q.query(`
      CREATE TABLE IF NOT EXISTS distillation_jobs (
        tenant text NOT NULL,
        job_id text NOT NULL,
        dataset_id text NOT NULL,
        base_model text NOT NULL,
        student_name text NOT NULL,
        status text NOT NULL,
        runner text NOT NULL,
        message text NOT NULL,
        manifest_path text,
        kubernetes_namespace text,
        kubernetes_name text,
        stream_version int NOT NULL,
        submitted_at timestamptz NOT NULL,
        PRIMARY KEY (tenant, job_id)
      )`);
    await q.query(
      `CREATE INDEX IF NOT EXISTS distillation_jobs_submitted ON distillation_jobs (tenant, submitted_at DESC)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE IF EXISTS distillation_jobs');
    await q.query('DROP TABLE IF EXISTS distillation_datasets');
    await q.query('DROP TABLE IF EXISTS distillation_responses');
  }
}
