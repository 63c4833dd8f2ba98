import { Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestDatabase, getInfra, type TestDatabase } from './infra';

async function query<T>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query(sql, params)).rows as T[];
  } finally {
    await c.end();
  }
}

describe('test infrastructure (real PostgreSQL)', () => {
  const dbs: TestDatabase[] = [];
  afterAll(async () => {
    for (const db of dbs) await db.drop();
  });

  it('createTestDatabase gives each suite an isolated, droppable database', async () => {
    const a = await createTestDatabase('Infra Spec/A');
    const b = await createTestDatabase('infra-spec-b');
    dbs.push(a, b);
    expect(a.name).toMatch(/^t_infra_spec_a_[0-9a-f]{12}$/);
    expect(a.url).not.toBe(b.url);

    await query(a.url, 'CREATE TABLE marker (id int primary key)');
    await query(a.url, 'INSERT INTO marker VALUES (1)');
    const inA = await query<{ n: number }>(a.url, 'SELECT count(*)::int AS n FROM marker');
    expect(inA[0]?.n).toBe(1);
    const inB = await query<{ t: string | null }>(b.url, "SELECT to_regclass('marker')::text AS t");
    expect(inB[0]?.t).toBeNull();

    // drop() also ends connections left open.
    const leaked = new Client({ connectionString: a.url });
    await leaked.connect();
    leaked.on('error', () => undefined);
    await a.drop();
    await a.drop();
    const left = await query<{ n: number }>(
      getInfra().databaseUrl,
      'SELECT count(*)::int AS n FROM pg_database WHERE datname = $1',
      [a.name],
    );
    expect(left[0]?.n).toBe(0);
    await leaked.end().catch(() => undefined);
  });

  it('rejects a prefix with no usable characters', async () => {
    await expect(createTestDatabase('---')).rejects.toThrow(/prefix "---" has no letters or digits/);
  });
});

describe('test infrastructure (real Kafka)', () => {
  it('round-trips a keyed message through an auto-created 3-partition topic', async () => {
    const kafka = new Kafka({
      clientId: 'infra-int-spec',
      brokers: [getInfra().kafkaBrokers],
      logLevel: logLevel.NOTHING,
    });
    const topic = `fusion.infra.check.v1.${Date.now()}`;
    const producer = kafka.producer({ allowAutoTopicCreation: true });
    await producer.connect();
    await producer.send({ topic, messages: [{ key: 'stream-1', value: 'hello' }] });
    await producer.disconnect();

    const admin = kafka.admin();
    await admin.connect();
    const meta = await admin.fetchTopicMetadata({ topics: [topic] });
    await admin.disconnect();
    expect(meta.topics[0]?.partitions).toHaveLength(3);

    const consumer = kafka.consumer({ groupId: `infra-int-spec-${Date.now()}` });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const got = await new Promise<{ key: string; value: string }>((resolve) => {
      void consumer.run({
        eachMessage: async ({ message }) => {
          resolve({ key: message.key?.toString() ?? '', value: message.value?.toString() ?? '' });
        },
      });
    });
    await consumer.disconnect();
    expect(got).toEqual({ key: 'stream-1', value: 'hello' });
  });
});
