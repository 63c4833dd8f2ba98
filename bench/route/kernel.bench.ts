/**
 * bench/route kernel: the decision itself, in process, without gRPC, framework or event writes: embed the query
 * (hashed n-grams), predict all 40 candidates, rank under the balance policy. One router of each kind, trained on
 * the same logs as bench/route (6,400 synthetic queries x 40 candidates = 256,000 records). It shows how much of a
 * RouteQuery's latency is routing work and how much is transport, framework and event writes.
 * Usage: npm run bench:route-kernel [-- --queries 6400 --iterations 20000]
 */
import { buildBenchmarkQueries } from '@fusion/evaluation';
import { generateDemoLogs } from '@fusion/ingestion';
import { HashedNgramEmbedder } from '@fusion/shared/llm';
import {
  buildTrainingSet,
  decide,
  resolvePolicy,
  ROUTER_KINDS,
  trainRouter,
  embedQueries,
  samplesFromBenchmark,
} from '@fusion/routing';
import { paperModels } from '../../test/fixtures/fusionbench/fusionbench-fixture';
import { machine, percentile, progress, writeResults } from '../support';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const QUERIES = arg('queries', 6400);
const ITERATIONS = arg('iterations', 20000);

async function main(): Promise<void> {
  const demo = generateDemoLogs({ seed: 11, queries: QUERIES, models: paperModels() });
  const embedder = new HashedNgramEmbedder();
  // The same path as `fusion bench`: records -> benchmark queries (split from the records) -> routing samples.
  const { queries } = buildBenchmarkQueries(demo.records);
  const train = queries.filter((q) => q.split === 'train');
  const vectors = await embedQueries(embedder, train);
  const set = buildTrainingSet(samplesFromBenchmark(train), (id) => vectors.get(id), {
    embeddingSpace: embedder.id,
  });
  const texts = queries.filter((q) => q.split === 'test').map((q) => q.query);
  console.error(
    `${demo.records.length} records, ${set.queryIds.length} training queries x ${set.candidates.length} candidates; ${texts.length} test texts`,
  );

  const time = (fn: (i: number) => void): { p50_us: number; p99_us: number; mean_us: number } => {
    for (let i = 0; i < 2000; i++) fn(i);
    const us: number[] = [];
    for (let i = 0; i < ITERATIONS; i++) {
      const t = process.hrtime.bigint();
      fn(i);
      us.push(Number(process.hrtime.bigint() - t) / 1e3);
    }
    const mean = us.reduce((a, b) => a + b, 0) / us.length;
    us.sort((a, b) => a - b);
    return {
      p50_us: Number(percentile(us, 50).toFixed(1)),
      p99_us: Number(percentile(us, 99).toFixed(1)),
      mean_us: Number(mean.toFixed(1)),
    };
  };

  const embed = time((i) => embedder.embedOne(texts[i % texts.length]!));
  const embedded = texts.map((t) => embedder.embedOne(t));
  const rows: Record<
    string,
    {
      train_s: number;
      predict_and_rank: ReturnType<typeof time>;
      embed_predict_rank: ReturnType<typeof time>;
    }
  > = {};
  ROUTER_KINDS.forEach((kind, k) => {
    progress('  routers', k, ROUTER_KINDS.length);
    const t0 = Date.now();
    const model = trainRouter(kind, set, undefined, 7);
    const trainS = (Date.now() - t0) / 1000;
    const policy = resolvePolicy({ scenario: 'balance' }, model.context.candidates);
    rows[kind] = {
      train_s: Number(trainS.toFixed(1)),
      predict_and_rank: time((i) => decide(model, embedded[i % embedded.length]!, policy)),
      embed_predict_rank: time((i) => {
        const text = texts[i % texts.length]!;
        decide(model, embedder.embedOne(text), policy, { queryLength: text.length });
      }),
    };
  });
  progress('  routers', ROUTER_KINDS.length, ROUTER_KINDS.length);

  const out = {
    benchmark: 'route-kernel',
    measured_at: new Date().toISOString(),
    machine: machine(),
    settings: {
      queries: QUERIES,
      records: demo.records.length,
      candidates: set.candidates.length,
      iterations: ITERATIONS,
    },
    embed,
    routers: rows,
  };
  const md = [
    `# bench/route kernel (${out.measured_at})`,
    '',
    `The decision in process (no gRPC, framework or event writes): embed + predict ${set.candidates.length} candidates + rank (balance).`,
    `Routers trained on ${demo.records.length} synthetic records (${set.queryIds.length} training queries); ${ITERATIONS} timed calls each, Node ${process.version}.`,
    '',
    `Embedding alone (hashed n-grams): p50 ${embed.p50_us} us, p99 ${embed.p99_us} us.`,
    '',
    '| router | train s | predict + rank p50 us | p99 us | embed + predict + rank p50 us | p99 us |',
    '|---|---|---|---|---|---|',
    ...Object.entries(rows).map(
      ([k, r]) =>
        `| ${k} | ${r.train_s} | ${r.predict_and_rank.p50_us} | ${r.predict_and_rank.p99_us} | ${r.embed_predict_rank.p50_us} | ${r.embed_predict_rank.p99_us} |`,
    ),
    '',
  ].join('\n');
  const paths = writeResults('route-kernel', out, md);
  console.log(md);
  console.error(`written: ${paths.json}, ${paths.md}`);
}

main().catch((err: unknown) => {
  console.error(`bench/route kernel failed: ${(err as Error).message}`);
  process.exit(1);
});
