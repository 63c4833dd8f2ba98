import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dlqTopicFor, type EventEnvelope } from '@fusion/contracts';
import {
  ConcurrencyError,
  consumeEventBatches,
  consumeEvents,
  entityManagerOf,
  Inbox,
  OutboxRelay,
  ProjectionRunner,
  TypeOrmEventStore,
  type Projection,
} from '@fusion/shared/event-store';
import { DlqHeaders, type IncomingMessage, type MessageBus } from '@fusion/shared/messaging';
import { waitFor } from './wait-for';

/** What a backbone under test provides: a migrated database and a message bus. */
export interface Backbone {
  ds: DataSource;
  bus: MessageBus;
  close(): Promise<void>;
}

/**
 * The event-store and messaging contract. The same suite runs against PGlite + the in-process bus
 * (unit tier) and against PostgreSQL + Apache Kafka (int tier), so both runtime modes behave alike.
 */
export function describeBackboneContract(label: string, open: () => Promise<Backbone>): void {
  describe(`event store + messaging contract (${label})`, () => {
    let bb: Backbone;
    const run = randomUUID().slice(0, 8);
    const topic = (name: string): string => `test.${run}.${name}.v1`;
    let store: TypeOrmEventStore;
    const source = `test-${run}`;

    beforeAll(async () => {
      bb = await open();
      store = new TypeOrmEventStore(bb.ds, { source, topicFor: (type) => topic(type.toLowerCase()) });
    });
    afterAll(async () => {
      await bb?.close();
    });

    it('appends to streams and reads them back in order, with global positions', async () => {
      const stream = `order-${randomUUID()}`;
      await store.append({
        streamId: stream,
        expectedVersion: 'no_stream',
        events: [
          { type: 'Placed', tenant: 't1', data: { n: 1 } },
          { type: 'Paid', tenant: 't1', data: { n: 2 } },
        ],
      });
      await store.append({
        streamId: stream,
        expectedVersion: 2,
        events: [{ type: 'Shipped', tenant: 't1', data: { n: 3 } }],
      });
      const events = await store.readStream(stream);
      expect(events.map((e) => [e.type, e.streamVersion])).toEqual([
        ['Placed', 1],
        ['Paid', 2],
        ['Shipped', 3],
      ]);
      const positions = events.map((e) => BigInt(e.globalPosition ?? '0'));
      expect(positions[0]! < positions[1]! && positions[1]! < positions[2]!).toBe(true);
      expect(events[0]!.data).toEqual({ n: 1 });
      expect(await store.streamVersion(stream)).toBe(3);
      const all = await store.readAll(String(positions[0]! - 1n), 10, ['Paid', 'Shipped']);
      expect(all.filter((e) => e.streamId === stream).map((e) => e.type)).toEqual(['Paid', 'Shipped']);
    });

    it('rejects a stale expected version with a concurrency error and writes nothing', async () => {
      const stream = `acct-${randomUUID()}`;
      await store.append({
        streamId: stream,
        expectedVersion: 'no_stream',
        events: [{ type: 'Opened', tenant: 't', data: {} }],
      });
      await expect(
        store.append({
          streamId: stream,
          expectedVersion: 0,
          events: [{ type: 'Opened', tenant: 't', data: {} }],
        }),
      ).rejects.toBeInstanceOf(ConcurrencyError);
      await expect(
        store.append({
          streamId: stream,
          expectedVersion: 'no_stream',
          events: [{ type: 'X', tenant: 't', data: {} }],
        }),
      ).rejects.toThrow(/expected version no_stream but it is at 1/);
      // Two writers that both read version 1: exactly one wins.
      const results = await Promise.allSettled([
        store.append({
          streamId: stream,
          expectedVersion: 1,
          events: [{ type: 'A', tenant: 't', data: {} }],
        }),
        store.append({
          streamId: stream,
          expectedVersion: 1,
          events: [{ type: 'B', tenant: 't', data: {} }],
        }),
      ]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const rejected = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
      expect(rejected.reason).toBeInstanceOf(ConcurrencyError);
      expect((await store.readStream(stream)).map((e) => e.streamVersion)).toEqual([1, 2]);
    });

    it('rolls back events and outbox rows together when the transaction fails', async () => {
      const stream = `tx-${randomUUID()}`;
      await expect(
        store.transaction(async (tx) => {
          await store.append(
            { streamId: stream, expectedVersion: 'any', events: [{ type: 'T', tenant: 't', data: {} }] },
            {},
            tx,
          );
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      expect(await store.readStream(stream)).toEqual([]);
      const rows = (await bb.ds.query(`SELECT count(*)::int AS n FROM outbox WHERE message_key = $1`, [
        stream,
      ])) as {
        n: number;
      }[];
      expect(rows[0]?.n).toBe(0);
    });

    it('relays the outbox to the bus, keyed by stream, with trace context in the headers', async () => {
      const received: IncomingMessage[] = [];
      const t = topic('relayed');
      const relayStore = new TypeOrmEventStore(bb.ds, { source: `${source}-relay`, topicFor: () => t });
      await bb.bus.ensureTopics([t]);
      const sub = await bb.bus.subscribe({
        groupId: `g-relay-${run}`,
        topics: [t],
        handler: async (m) => {
          received.push(m);
        },
      });
      const relay = new OutboxRelay(bb.ds, bb.bus, relayStore, {
        source: `${source}-relay`,
        pollIntervalMs: 50,
      });
      relay.start();
      const stream = `relay-${randomUUID()}`;
      const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
      await relayStore.append(
        {
          streamId: stream,
          expectedVersion: 'any',
          events: [1, 2, 3].map((n) => ({ type: 'Ticked', tenant: 't', data: { n } })),
        },
        { traceparent, correlationId: 'corr-1' },
      );
      await waitFor(() => received.length >= 3, 30_000);
      expect(
        received.map((m) => (JSON.parse(m.value.toString()) as EventEnvelope<{ n: number }>).data.n),
      ).toEqual([1, 2, 3]);
      expect(received.every((m) => m.key === stream)).toBe(true);
      expect(received[0]!.headers['traceparent']).toBe(traceparent);
      expect(received[0]!.headers['correlation-id']).toBe('corr-1');
      expect(await relay.pendingCount()).toBe(0);
      await relay.stop();
      await sub.stop();
    });

    it('parks an outbox row the broker refuses (over its size limit) and keeps publishing the rows behind it', async () => {
      const t = topic('oversized');
      const source2 = `${source}-oversized`;
      const bigStore = new TypeOrmEventStore(bb.ds, { source: source2, topicFor: () => t });
      await bb.bus.ensureTopics([t]);
      const received: IncomingMessage[] = [];
      const sub = await bb.bus.subscribe({
        groupId: `g-oversized-${run}`,
        topics: [t],
        handler: async (m) => void received.push(m),
      });
      const relay = new OutboxRelay(bb.ds, bb.bus, bigStore, {
        source: source2,
        pollIntervalMs: 20,
        maxAttempts: 2,
      });
      const stream = `big-${randomUUID()}`;
      await bigStore.append({
        streamId: stream,
        expectedVersion: 'any',
        events: [
          { type: 'Huge', tenant: 't', data: { blob: 'x'.repeat(1_500_000) } },
          { type: 'Small', tenant: 't', data: { n: 1 } },
        ],
      });
      relay.start();
      await waitFor(() => received.length === 1, 30_000, 'the row behind the oversized one');
      expect((JSON.parse(received[0]!.value.toString()) as EventEnvelope).type).toBe('Small');
      // The relay publishes inside its transaction and commits after: wait for the commit (both rows leave the
      // pending set, one parked, one published) before reading their state.
      await waitFor(
        async () => (await relay.pendingCount()) === 0,
        30_000,
        'the relay transaction to commit',
      );
      const rows = (await bb.ds.query(
        `SELECT attempts, failed_at IS NOT NULL AS parked, published_at IS NOT NULL AS published, last_error
           FROM outbox WHERE source = $1 AND message_key = $2 ORDER BY id`,
        [source2, stream],
      )) as { attempts: number; parked: boolean; published: boolean; last_error: string | null }[];
      expect(rows[0]).toMatchObject({ attempts: 2, parked: true });
      expect(rows[0]!.last_error).toMatch(/larger than the max message size|too large/i);
      expect(rows[1]).toMatchObject({ parked: false, published: true });
      await relay.stop();
      await sub.stop();
    });

    it('applies each event once in effect although a restarted consumer gets redeliveries', async () => {
      const t = topic('counted');
      const group = `g-count-${run}`;
      await bb.ds.query(
        `CREATE TABLE IF NOT EXISTS test_counter_${run} (k text PRIMARY KEY, n int NOT NULL)`,
      );
      const countStore = new TypeOrmEventStore(bb.ds, { source: `${source}-count`, topicFor: () => t });
      const relay = new OutboxRelay(bb.ds, bb.bus, countStore, {
        source: `${source}-count`,
        pollIntervalMs: 50,
      });
      await bb.bus.ensureTopics([t]);
      relay.start();
      const total = 60;
      for (let i = 0; i < total; i += 10) {
        await countStore.appendMany(
          Array.from({ length: 10 }, (_, k) => ({
            streamId: `s-${(i + k) % 3}`,
            expectedVersion: 'any' as const,
            events: [{ type: 'Counted', tenant: 't', data: { i: i + k } }],
          })),
        );
      }
      await waitFor(async () => (await relay.pendingCount()) === 0, 30_000);
      const inbox = new Inbox(countStore);
      let deliveries = 0;
      const handle = async (
        _e: EventEnvelope,
        tx: Parameters<Parameters<typeof inbox.processOnce>[2]>[0],
      ): Promise<void> => {
        await entityManagerOf(tx).query(
          `INSERT INTO test_counter_${run} (k, n) VALUES ('c', 1) ON CONFLICT (k) DO UPDATE SET n = test_counter_${run}.n + 1`,
        );
      };
      const counted = async (): Promise<number> => {
        const r = (await bb.ds.query(`SELECT n FROM test_counter_${run} WHERE k = 'c'`)) as { n: number }[];
        return r[0]?.n ?? 0;
      };
      // First consumer commits every 25 messages and "crashes" (no commit) after ~half.
      const first = await consumeEvents(bb.bus, inbox, {
        groupId: group,
        topics: [t],
        commitEvery: 25,
        handle: async (e, tx) => {
          deliveries += 1;
          await handle(e, tx);
        },
      });
      await waitFor(async () => (await counted()) >= total / 2, 30_000);
      await first.stop({ commitPending: false });
      const deliveredBeforeCrash = deliveries;
      let skipped = 0;
      const second = await consumeEvents(bb.bus, inbox, {
        groupId: group,
        topics: [t],
        onDuplicate: () => (skipped += 1),
        handle: async (e, tx) => {
          deliveries += 1;
          await handle(e, tx);
        },
      });
      await waitFor(async () => (await counted()) >= total, 30_000);
      // Let any straggling redelivery arrive, then check nothing was double-counted.
      await new Promise((r) => setTimeout(r, 500));
      expect(await counted()).toBe(total);
      expect(deliveredBeforeCrash).toBeGreaterThanOrEqual(total / 2);
      // Redelivery really happened (nothing was committed before the crash), yet nothing double-counted.
      expect(skipped).toBeGreaterThan(0);
      expect(deliveries).toBe(total);
      const processed = (await bb.ds.query(
        `SELECT count(*)::int AS n FROM processed_messages WHERE consumer_group = $1`,
        [group],
      )) as { n: number }[];
      expect(processed[0]?.n).toBe(total);
      await second.stop();
      await relay.stop();
    });

    it('sends a poison message to the group DLQ with the reason and keeps consuming', async () => {
      const t = topic('poison');
      const group = `g-poison-${run}`;
      await bb.bus.ensureTopics([t, dlqTopicFor(group)]);
      const good: string[] = [];
      const dlq: IncomingMessage[] = [];
      const dlqSub = await bb.bus.subscribe({
        groupId: `${group}-dlq-reader`,
        topics: [dlqTopicFor(group)],
        handler: async (m) => {
          dlq.push(m);
        },
      });
      const inbox = new Inbox(store);
      const sub = await consumeEvents(bb.bus, inbox, {
        groupId: group,
        topics: [t],
        handle: async (e) => {
          good.push(e.eventId);
        },
      });
      const env = (id: string): string =>
        JSON.stringify({
          eventId: id,
          type: 'Ticked',
          schemaVersion: 1,
          streamId: 's',
          tenant: 't',
          data: {},
        });
      const ids = [randomUUID(), randomUUID()];
      await bb.bus.publish([
        { topic: t, key: 's', value: env(ids[0]!) },
        { topic: t, key: 's', value: '{not json' },
        { topic: t, key: 's', value: env(ids[1]!) },
      ]);
      await waitFor(() => good.length === 2 && dlq.length === 1, 30_000);
      expect(good).toEqual(ids);
      expect(dlq[0]!.value.toString()).toBe('{not json');
      expect(dlq[0]!.headers[DlqHeaders.Reason]).toMatch(/PoisonMessageError: not JSON/);
      expect(dlq[0]!.headers[DlqHeaders.OriginalTopic]).toBe(t);
      expect(dlq[0]!.headers[DlqHeaders.ConsumerGroup]).toBe(group);
      await sub.stop();
      await dlqSub.stop();
    });

    it('dead-letters a message whose handler keeps failing after maxAttempts, then goes on', async () => {
      const t = topic('flaky');
      const group = `g-flaky-${run}`;
      await bb.bus.ensureTopics([t, dlqTopicFor(group)]);
      const seen: string[] = [];
      const attempts = new Map<string, number>();
      const dlq: IncomingMessage[] = [];
      const dlqSub = await bb.bus.subscribe({
        groupId: `${group}-dlq-reader`,
        topics: [dlqTopicFor(group)],
        handler: async (m) => void dlq.push(m),
      });
      const sub = await bb.bus.subscribe({
        groupId: group,
        topics: [t],
        maxAttempts: 3,
        retryBackoffMs: 10,
        handler: async (m) => {
          const v = m.value.toString();
          attempts.set(v, (attempts.get(v) ?? 0) + 1);
          if (v === 'bad') throw new Error('downstream refused');
          seen.push(v);
        },
      });
      await bb.bus.publish(['a', 'bad', 'b'].map((v) => ({ topic: t, key: 'k', value: v })));
      await waitFor(() => seen.length === 2 && dlq.length === 1, 30_000);
      expect(seen).toEqual(['a', 'b']);
      expect(attempts.get('bad')).toBe(3);
      expect(dlq[0]!.headers[DlqHeaders.Reason]).toContain('downstream refused');
      expect(dlq[0]!.headers[DlqHeaders.Attempts]).toBe('3');
      await sub.stop();
      await dlqSub.stop();
    });

    it('consumes in batches: one transaction per batch, duplicates skipped, a poison message isolated to the DLQ', async () => {
      const t = topic('batched');
      const group = `g-batch-${run}`;
      await bb.bus.ensureTopics([t, dlqTopicFor(group)]);
      const dlq: IncomingMessage[] = [];
      const dlqSub = await bb.bus.subscribe({
        groupId: `${group}-dlq-reader`,
        topics: [dlqTopicFor(group)],
        handler: async (m) => void dlq.push(m),
      });
      const applied: string[] = [];
      const batchSizes: number[] = [];
      let duplicates = 0;
      const inbox = new Inbox(store);
      const env = (id: string): string =>
        JSON.stringify({
          eventId: id,
          type: 'Ticked',
          schemaVersion: 1,
          streamId: 's',
          tenant: 't',
          data: {},
        });
      const ids = Array.from({ length: 40 }, () => randomUUID());
      // All on one key (one partition): 20 clean messages, then a poison one, a re-sent id and 20 more.
      await bb.bus.publish(ids.slice(0, 20).map((id) => ({ topic: t, key: 'k', value: env(id) })));
      const sub = await consumeEventBatches(bb.bus, inbox, {
        groupId: group,
        topics: [t],
        maxBatchSize: 100,
        onDuplicate: () => (duplicates += 1),
        handleBatch: async (events) => {
          batchSizes.push(events.length);
          applied.push(...events.map((e) => e.eventId));
        },
      });
      await waitFor(() => applied.length === 20, 30_000, 'first batch');
      expect(Math.max(...batchSizes)).toBeGreaterThan(1);
      await bb.bus.publish([
        { topic: t, key: 'k', value: 'not json at all' },
        { topic: t, key: 'k', value: env(ids[3]!) },
        ...ids.slice(20).map((id) => ({ topic: t, key: 'k', value: env(id) })),
      ]);
      await waitFor(() => applied.length === 40 && dlq.length === 1, 30_000, 'batched consumption');
      expect(applied).toEqual(ids);
      expect(duplicates).toBe(1);
      expect(dlq[0]!.value.toString()).toBe('not json at all');
      expect(dlq[0]!.headers[DlqHeaders.Reason]).toMatch(/not JSON/);
      await sub.stop();
      await dlqSub.stop();
    });

    it('rebuilds a projection from position 0 to the same state', async () => {
      const table = `test_totals_${run}`;
      await bb.ds.query(
        `CREATE TABLE IF NOT EXISTS ${table} (stream text PRIMARY KEY, total int NOT NULL, events int NOT NULL)`,
      );
      const projection: Projection = {
        name: `totals-${run}`,
        eventTypes: ['Deposited', 'Withdrawn'],
        apply: async (events, tx) => {
          for (const e of events) {
            const d = e.data as { amount: number };
            const delta = e.type === 'Deposited' ? d.amount : -d.amount;
            await entityManagerOf(tx).query(
              `INSERT INTO ${table} (stream, total, events) VALUES ($1, $2, 1)
               ON CONFLICT (stream) DO UPDATE SET total = ${table}.total + $2, events = ${table}.events + 1`,
              [e.streamId, delta],
            );
          }
        },
        reset: async (tx) => {
          await entityManagerOf(tx).query(`DELETE FROM ${table}`);
        },
      };
      const streams = [`wallet-${run}-a`, `wallet-${run}-b`];
      for (let i = 0; i < 30; i++) {
        await store.append({
          streamId: streams[i % 2]!,
          expectedVersion: 'any',
          events: [{ type: i % 5 === 0 ? 'Withdrawn' : 'Deposited', tenant: 't', data: { amount: i } }],
        });
      }
      const runner = new ProjectionRunner(bb.ds, store, 7);
      await runner.catchUp(projection);
      const snapshot = async (): Promise<unknown> =>
        bb.ds.query(`SELECT stream, total, events FROM ${table} ORDER BY stream`);
      const before = await snapshot();
      const expected = streams.map((s, k) => {
        let total = 0;
        let events = 0;
        for (let i = k; i < 30; i += 2) {
          total += i % 5 === 0 ? -i : i;
          events += 1;
        }
        return { stream: s, total, events };
      });
      expect(before).toEqual(expected);
      // Catching up again applies nothing twice.
      expect(await runner.catchUp(projection)).toBe(0);
      const replayed = await runner.rebuild(projection);
      expect(replayed).toBeGreaterThanOrEqual(30);
      expect(await snapshot()).toEqual(before);
    });
  });
}
