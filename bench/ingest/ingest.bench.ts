/**
 * bench/ingest: records/s for gRPC IngestLogs → event store (+ outbox) → bus, in both runtime modes, side by side:
 * - distributed: the ingestion app as its own process on PostgreSQL + Apache Kafka (started by scripts/infra);
 * - embedded: the same module in this process on PGlite + the in-process bus.
 * Two figures per mode: "stored" (the client-streaming RPC returned: every record validated, written and its
 * LogRecorded event + outbox row committed) and "published" (every LogRecorded event seen by a consumer of the bus).
 * Usage: npm run bench:ingest [-- --records 20000 --batch 500]
 */
import 'reflect-metadata';
import { Topics, type EventEnvelope, type LogRecordedV1 } from '@fusion/contracts';
import { ingestionContext } from '@fusion/ingestion';
import { InProcessMessageBus, KafkaMessageBus, type MessageBus } from '@fusion/shared/messaging';
import { createTestDatabase, startTestService } from '@fusion/shared/testing';
import { clientStream, createGrpcClient } from '@fusion/shared/transport';
import { kafkaNamespace, startServiceProcess } from '../../test/support/service-process';
import { ensureInfra, machine, progress, writeResults } from '../support';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const RECORDS = arg('records', 20_000);
const BATCH = arg('batch', 500);

function record(run: string, i: number): Record<string, unknown> {
  return {
    recordId: `${run}-${i}`,
    tenant: 'bench',
    taskName: ['gsm8k', 'mmlu', 'mbpp', 'squad'][i % 4],
    query: `Bench question ${Math.floor(i / 16)}: compute ${i} * 3 and explain the steps.`,
    promptMode: i % 2 ? 'think' : 'direct',
    llm: `model-${(i >> 1) % 8}`,
    response: `Step 1: take ${i}. Step 2: multiply by three. The answer is ${i * 3}.`,
    groundTruth: String(i * 3),
    metric: 'GSM8K',
    performance: i % 3 === 0 ? 0 : 1,
    inputTokens: 120,
    outputTokens: 40,
    costUsd: 0.00004,
    split: 'train',
  };
}

interface ModeResult {
  mode: string;
  records: number;
  stored_seconds: number;
  stored_records_per_second: number;
  published_seconds: number;
  published_records_per_second: number;
}

async function measure(mode: string, grpcAddress: string, bus: MessageBus): Promise<ModeResult> {
  const run = `${mode}-${Date.now()}`;
  let seen = 0;
  let resolveAll!: () => void;
  const allSeen = new Promise<void>((r) => (resolveAll = r));
  const sub = await bus.subscribe({
    groupId: `bench-ingest-${run}`,
    topics: [Topics.LogsRecorded],
    fromBeginning: false,
    commitEvery: 1000,
    batchHandler: async (messages) => {
      for (const m of messages) {
        const env = JSON.parse(m.value.toString()) as EventEnvelope<LogRecordedV1>;
        if (env.data.record.recordId.startsWith(run)) seen += 1;
      }
      progress(`  ${mode} published`, seen, RECORDS);
      if (seen >= RECORDS) resolveAll();
    },
  });
  const client = createGrpcClient(
    grpcAddress,
    'fusion/ingestion/v1/ingestion.proto',
    'fusion.ingestion.v1.IngestionService',
  );
  const t0 = process.hrtime.bigint();
  const batches = function* (): Generator<{ records: Record<string, unknown>[] }> {
    for (let i = 0; i < RECORDS; i += BATCH) {
      progress(`  ${mode} sent`, i + BATCH, RECORDS);
      yield { records: Array.from({ length: Math.min(BATCH, RECORDS - i) }, (_, k) => record(run, i + k)) };
    }
  };
  const res = await clientStream<unknown, { accepted: number }>(client, 'IngestLogs', batches(), 600_000);
  const stored = Number(process.hrtime.bigint() - t0) / 1e9;
  if (res.accepted !== RECORDS) throw new Error(`${mode}: accepted ${res.accepted} of ${RECORDS}`);
  await allSeen;
  const published = Number(process.hrtime.bigint() - t0) / 1e9;
  client.close();
  await sub.stop();
  return {
    mode,
    records: RECORDS,
    stored_seconds: Number(stored.toFixed(2)),
    stored_records_per_second: Math.round(RECORDS / stored),
    published_seconds: Number(published.toFixed(2)),
    published_records_per_second: Math.round(RECORDS / published),
  };
}

async function main(): Promise<void> {
  console.error(`bench/ingest: ${RECORDS} records in batches of ${BATCH}, both modes in one run`);
  const infra = ensureInfra();
  const db = await createTestDatabase('bench_ingest');
  const results: ModeResult[] = [];
  try {
    console.error('distributed: ingestion process on PostgreSQL + Kafka');
    const namespace = kafkaNamespace('bench-ingest');
    const proc = await startServiceProcess('ingestion', {
      KAFKA_NAMESPACE: namespace,
      FUSION_MODE: 'distributed',
      DATABASE_URL: db.url,
      KAFKA_BROKERS: infra.kafkaBrokers,
      LOG_LEVEL: 'warn',
    });
    const kafka = new KafkaMessageBus({
      brokers: infra.kafkaBrokers.split(','),
      clientId: 'bench-ingest',
      namespace,
    });
    try {
      results.push(await measure('distributed', proc.grpcAddress, kafka));
    } finally {
      await kafka.close();
      await proc.stop();
    }
    console.error('embedded: ingestion module in-process on PGlite + in-process bus');
    const bus = new InProcessMessageBus();
    const svc = await startTestService([ingestionContext()], { bus, serviceName: 'fusion-ingestion' });
    try {
      results.push(await measure('embedded', svc.grpcAddress, bus));
    } finally {
      await svc.close();
      await bus.close();
    }
  } finally {
    await db.drop();
  }
  const [d, e] = results as [ModeResult, ModeResult];
  const out = {
    benchmark: 'ingest',
    measured_at: new Date().toISOString(),
    machine: machine(),
    settings: { records: RECORDS, batch: BATCH },
    results,
    ratios: {
      embedded_vs_distributed_stored: Number(
        (e.stored_records_per_second / d.stored_records_per_second).toFixed(2),
      ),
      embedded_vs_distributed_published: Number(
        (e.published_records_per_second / d.published_records_per_second).toFixed(2),
      ),
    },
  };
  const md = [
    `# bench/ingest (${out.measured_at})`,
    '',
    `${RECORDS} records, gRPC client-streaming batches of ${BATCH}, ${out.machine['cpus']} CPUs, Node ${process.version}.`,
    '',
    '| mode | stored (RPC done) | records/s | published (all LogRecorded consumed) | records/s |',
    '|---|---|---|---|---|',
    ...results.map(
      (r) =>
        `| ${r.mode} | ${r.stored_seconds} s | ${r.stored_records_per_second} | ${r.published_seconds} s | ${r.published_records_per_second} |`,
    ),
    '',
    `Embedded / distributed: ${out.ratios.embedded_vs_distributed_stored}x (stored), ${out.ratios.embedded_vs_distributed_published}x (published).`,
    '',
  ].join('\n');
  const paths = writeResults('ingest', out, md);
  console.log(md);
  console.error(`written: ${paths.json}, ${paths.md}`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(`bench/ingest failed: ${(err as Error).message}`);
    process.exit(1);
  },
);
