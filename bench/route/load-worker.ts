/**
 * The load generator of bench/route as a lean process of its own: only grpc-js and proto-loader are loaded, so its
 * heap stays small and its own GC pauses do not show up as server latency. Input: one JSON job on stdin; output: one
 * JSON result line on stdout.
 */
import {
  credentials,
  loadPackageDefinition,
  type Client,
  type ServiceClientConstructor,
} from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { closedLoop, openLoop } from './load';

interface Job {
  address: string;
  protoFile: string;
  includeDir: string;
  service: string;
  method: string;
  /** Request template; `$text` in any string field is replaced by the i-th text. */
  template: Record<string, unknown>;
  texts: string[];
  rps: number;
  seconds: number;
  warmupSeconds: number;
  closedConcurrency: number;
  closedSeconds: number;
  /** The server's Prometheus endpoint, scraped right before and after the open loop (absent for the echo floor). */
  metricsUrl?: string;
}

/** What the server itself saw during the open loop (from its prom-client default metrics). */
export interface ServerWindow {
  /** Longest event-loop delay: over a few ms means the process was blocked (GC, synchronous work). */
  event_loop_lag_max_ms: number;
  event_loop_lag_p99_ms: number;
  gc_ms: number;
  /** CPU time of the server process per request (user + system). */
  cpu_ms_per_request: number;
}

async function scrape(url: string): Promise<Map<string, number>> {
  const text = await (await fetch(url)).text();
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line.startsWith('#') || line.trim() === '') continue;
    const m = /^([a-zA-Z_:][\w:]*)(?:\{[^}]*\})?\s+(\S+)/.exec(line);
    if (!m) continue;
    const name = m[1] as string;
    out.set(name, (out.get(name) ?? 0) + Number(m[2]));
  }
  return out;
}

function metric(m: Map<string, number>, suffix: string): number {
  for (const [k, v] of m) if (k.endsWith(suffix)) return v;
  return NaN;
}

function clientFor(job: Job): Client {
  const def = loadSync(job.protoFile, {
    keepCase: false,
    longs: Number,
    defaults: true,
    oneofs: true,
    includeDirs: [job.includeDir],
  });
  let node: unknown = loadPackageDefinition(def);
  for (const part of job.service.split('.')) node = (node as Record<string, unknown>)[part];
  const Ctor = node as ServiceClientConstructor;
  return new Ctor(job.address, credentials.createInsecure()) as unknown as Client;
}

function fill(template: unknown, text: string): unknown {
  if (typeof template === 'string') return template === '$text' ? text : template;
  if (Array.isArray(template)) return template.map((t) => fill(t, text));
  if (template && typeof template === 'object') {
    return Object.fromEntries(Object.entries(template).map(([k, v]) => [k, fill(v, text)]));
  }
  return template;
}

async function main(): Promise<void> {
  let input = '';
  for await (const chunk of process.stdin) input += chunk;
  const job = JSON.parse(input) as Job;
  const client = clientFor(job);
  const requests = job.texts.map((t) => fill(job.template, t));
  const make = (i: number): unknown => requests[i % requests.length];
  await openLoop(client, job.method, make, Math.min(job.rps, 200), job.warmupSeconds);
  // The event-loop histogram resets on every scrape: this one starts the window.
  const before = job.metricsUrl ? await scrape(job.metricsUrl) : null;
  const open = await openLoop(client, job.method, make, job.rps, job.seconds);
  let server: ServerWindow | null = null;
  if (job.metricsUrl && before) {
    const after = await scrape(job.metricsUrl);
    const delta = (suffix: string): number => metric(after, suffix) - metric(before, suffix);
    const r2 = (x: number): number => Number(x.toFixed(3));
    server = {
      event_loop_lag_max_ms: r2(metric(after, 'nodejs_eventloop_lag_max_seconds') * 1000),
      event_loop_lag_p99_ms: r2(metric(after, 'nodejs_eventloop_lag_p99_seconds') * 1000),
      gc_ms: r2(delta('nodejs_gc_duration_seconds_sum') * 1000),
      cpu_ms_per_request: r2((delta('process_cpu_seconds_total') * 1000) / Math.max(1, open.sent)),
    };
  }
  const closed = await closedLoop(client, job.method, make, job.closedConcurrency, job.closedSeconds);
  client.close();
  process.stdout.write(`${JSON.stringify({ open_loop: open, closed_loop: closed, server })}\n`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`load worker failed: ${(err as Error).message}\n`);
    process.exit(1);
  },
);
