import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Outbox rows that can never be published (e.g. over the broker's size limit) are parked instead of blocking. */
export class OutboxFailedAt1767225650000 implements MigrationInterface {
  name = 'OutboxFailedAt1767225650000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE outbox ADD COLUMN IF NOT EXISTS failed_at timestamptz`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE outbox DROP COLUMN IF EXISTS failed_at`);
  }
}
