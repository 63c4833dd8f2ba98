/**
 * Micro-benchmark (not a test): request-time decide latency (predict + policy ranking) of every router kind,
 * trained on a synthetic log at the paper's scale: 6,400 queries x 40 candidates (256,000 records), 256-d.
 *
 *   node -r @swc-node/register libs/routing/src/domain/predict-latency.bench.ts [--full-training] [--kinds=knn,linear]
 *
 * Gradient routers train for 3 epochs unless --full-training (their latency does not depend on it).
 * Prints p50/p99 of closed-loop calls, then p99 of an open-loop run paced at 500 requests/s.
 */
import { SeededRandom } from '@fusion/shared/kernel';
import { decide, resolvePolicy } from './policy';
import { ROUTER_KINDS, type RouterKind, type RouterModel } from './router';
import { loadRouter, trainRouter } from './router-registry';
import { buildTrainingSet, type RoutingSample } from './training-set';

const QUERIES = 6400;
const CANDIDATES = 40;
const TASKS = 14;
const DIM = 256;

function syntheticLog(seed: number): {
  samples: RoutingSample[];
  vectors: Map<string, Float32Array>;
  probes: Float32Array[];
} {
  const rng = new SeededRandom(seed);
  const taskCentre = Array.from({ length: TASKS }, () =>
    Float32Array.from({ length: DIM }, () => rng.normal()),
  );
  const skill = Array.from({ length: TASKS * CANDIDATES }, () => rng.normal());
  const price = Array.from({ length: CANDIDATES }, () => 10 ** (-6 + 2 * rng.next()));
  const vector = (t: number): Float32Array =>
    Float32Array.from(taskCentre[t]!, (x) => x + 1.5 * rng.normal());
  const samples: RoutingSample[] = [];
  const vectors = new Map<string, Float32Array>();
  for (let q = 0; q < QUERIES; q++) {
    const t = q % TASKS;
    const id = `q${q}`;
    const e = vector(t);
    vectors.set(id, e);
    const length = 200 + Math.floor(rng.next() * 1800);
    const hardness = rng.normal();
    for (let c = 0; c < CANDIDATES; c++) {
      const p = 1 / (1 + Math.exp(-(skill[t * CANDIDATES + c]! - hardness + 0.3 * e[c % DIM]!)));
      samples.push({
        queryId: id,
        taskName: `task-${t}`,
        taskDomain: 'synthetic',
        query: 'x'.repeat(length),
        candidate: c % 2 === 0 ? `llm-${c >> 1}` : `llm-${c >> 1}:think`,
        performance: rng.next() < p ? 1 : 0,
        costUsd: price[c]! * length * (c % 2 === 0 ? 1 : 3),
        judgeScore: null,
        latencyMs: 200 + 50 * c,
      });
    }
  }
  const probes = Array.from({ length: 2000 }, (_, i) => vector(i % TASKS));
  return { samples, vectors, probes };
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function closedLoop(model: RouterModel, probes: readonly Float32Array[]): { p50: number; p99: number } {
  const policy = resolvePolicy({ scenario: 'balance' }, model.context.candidates);
  for (let i = 0; i < 200; i++) decide(model, probes[i % probes.length]!, policy, { queryLength: 800 });
  const times: number[] = [];
  probes.forEach((e, i) => {
    const t0 = performance.now();
    decide(model, e, policy, { taskHint: i % 2 === 0 ? `task-${i % TASKS}` : undefined, queryLength: 800 });
    times.push(performance.now() - t0);
  });
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p99: percentile(times, 99) };
}

/**
 * Requests arrive every 2 ms (500/s); latency counts from the scheduled arrival, so queueing shows. The wait is a
 * spin on the clock (timers in Node are too coarse to pace at 2 ms).
 */
function openLoop(
  model: RouterModel,
  probes: readonly Float32Array[],
  seconds: number,
): { p99: number; max: number } {
  const policy = resolvePolicy({ scenario: 'balance' }, model.context.candidates);
  const interval = 2;
  const total = Math.round((seconds * 1000) / interval);
  const start = performance.now();
  const latencies: number[] = [];
  for (let i = 0; i < total; i++) {
    const due = start + i * interval;
    while (performance.now() < due) {
      // spin until the request is due
    }
    decide(model, probes[i % probes.length]!, policy, { queryLength: 800 });
    latencies.push(performance.now() - due);
  }
  latencies.sort((a, b) => a - b);
  return { p99: percentile(latencies, 99), max: latencies[latencies.length - 1]! };
}

function main(): void {
  const full = process.argv.includes('--full-training');
  const kindsArg = process.argv.find((a) => a.startsWith('--kinds='));
  const kinds = (kindsArg ? kindsArg.slice('--kinds='.length).split(',') : ROUTER_KINDS) as RouterKind[];
  const t0 = performance.now();
  const { samples, vectors, probes } = syntheticLog(7);
  const set = buildTrainingSet(samples, (id) => vectors.get(id));
  console.log(
    `synthetic log: ${samples.length} records, ${set.queryIds.length} queries x ${set.candidates.length} candidates, ` +
      `${DIM}-d, built in ${(performance.now() - t0).toFixed(0)} ms`,
  );
  const quick: Record<string, number> = full ? {} : { epochs: 3 };
  for (const kind of kinds) {
    const t1 = performance.now();
    const model = trainRouter(kind, set, kind === 'knn' || kind === 'linear' ? {} : quick, 1);
    const trainMs = performance.now() - t1;
    const json = JSON.stringify(model.toJSON());
    const loaded = loadRouter(JSON.parse(json));
    const closed = closedLoop(loaded, probes);
    const open = openLoop(loaded, probes, 4);
    console.log(
      `${kind.padEnd(21)} train ${(trainMs / 1000).toFixed(1).padStart(6)} s  artifact ${(json.length / 1e6).toFixed(1).padStart(5)} MB  ` +
        `decide p50 ${closed.p50.toFixed(3)} ms  p99 ${closed.p99.toFixed(3)} ms  | 500 req/s open loop: p99 ${open.p99.toFixed(3)} ms, max ${open.max.toFixed(3)} ms`,
    );
  }
}

main();
