import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The thought context's log projection, its template libraries and their templates. */
export class CreateThoughtTables1767226300000 implements MigrationInterface {
  name = 'CreateThoughtTables1767226300000';

  async up(q: QueryRunner): Promise<void> {
    // Score events may arrive before the record they score, so everything but the key may be missing for a while.
    await q.query(`
      CREATE TABLE IF NOT EXISTS thought_responses (
        tenant text NOT NULL,
        record_id text NOT NULL,
        query_id text NOT NULL,
        task_name text,
        query text,
        llm text,
        prompt_mode text,
        response text,
        performance double precision,
        judge_score double precision,
        cost_usd double precision,
        split text,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant, record_id)
      )`);
    await q.query(
      `CREATE INDEX IF NOT EXISTS thought_responses_split ON thought_responses (tenant, split, task_name)`,
    );
    await q.query(`
      CREATE TABLE IF NOT EXISTS thought_template_libraries (
        tenant text PRIMARY KEY,
        build_id text NOT NULL,
        selection text NOT NULL,
        summarizer text NOT NULL,
        embedder text NOT NULL,
        queries_per_task int NOT NULL,
        templates int NOT NULL,
        built_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE IF NOT EXISTS thought_templates (
        tenant text NOT NULL,
        task_name text NOT NULL,
        query_id text NOT NULL,
        query text NOT NULL,
        template text NOT NULL,
        selection text NOT NULL,
        summarizer text NOT NULL,
        build_id text NOT NULL,
        embedding jsonb NOT NULL,
        metadata jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant, task_name, query_id)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE IF EXISTS thought_templates');
    await q.query('DROP TABLE IF EXISTS thought_template_libraries');
    await q.query('DROP TABLE IF EXISTS thought_responses');
  }
}
