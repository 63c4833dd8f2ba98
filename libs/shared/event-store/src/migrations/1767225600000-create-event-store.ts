import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Event log, outbox, projection checkpoints and the idempotent-consumer inbox. */
export class CreateEventStore1767225600000 implements MigrationInterface {
  name = 'CreateEventStore1767225600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE IF NOT EXISTS events (
        global_position bigserial PRIMARY KEY,
        event_id uuid NOT NULL UNIQUE,
        stream_id text NOT NULL,
        stream_version integer NOT NULL,
        type text NOT NULL,
        schema_version integer NOT NULL,
        tenant text NOT NULL,
        data jsonb NOT NULL,
        metadata jsonb NOT NULL,
        occurred_at timestamptz NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT events_stream_version_uq UNIQUE (stream_id, stream_version)
      )`);
    await q.query(`CREATE INDEX IF NOT EXISTS events_type_idx ON events (type, global_position)`);
    await q.query(`
      CREATE TABLE IF NOT EXISTS outbox (
        id bigserial PRIMARY KEY,
        event_id uuid NOT NULL,
        source text NOT NULL,
        topic text NOT NULL,
        message_key text NOT NULL,
        payload jsonb NOT NULL,
        headers jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        published_at timestamptz,
        attempts integer NOT NULL DEFAULT 0,
        last_error text
      )`);
    await q.query(
      `CREATE INDEX IF NOT EXISTS outbox_pending_idx ON outbox (source, id) WHERE published_at IS NULL`,
    );
    await q.query(`
      CREATE TABLE IF NOT EXISTS projection_checkpoints (
        name text PRIMARY KEY,
        position bigint NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE IF NOT EXISTS processed_messages (
        consumer_group text NOT NULL,
        message_id text NOT NULL,
        processed_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (consumer_group, message_id)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE IF EXISTS processed_messages');
    await q.query('DROP TABLE IF EXISTS projection_checkpoints');
    await q.query('DROP TABLE IF EXISTS outbox');
    await q.query('DROP TABLE IF EXISTS events');
  }
}
