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
  const open = await openLoop(client, job.method, make, job.rps, job.seconds);
  const closed = await closedLoop(client, job.method, make, job.closedConcurrency, job.closedSeconds);
  client.close();
  process.stdout.write(`${JSON.stringify({ open_loop: open, closed_loop: closed })}\n`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`load worker failed: ${(err as Error).message}\n`);
    process.exit(1);
  },
);
