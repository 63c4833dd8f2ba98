import type { Client } from '@grpc/grpc-js';
import { percentile } from '../support';

export interface LoadResult {
  target_rps: number;
  seconds: number;
  sent: number;
  ok: number;
  errors: number;
  achieved_rps: number;
  p50_ms: number;
  p90_ms: number;
  p99_ms: number;
  max_ms: number;
  /** Seconds into the run at which the slowest request was due (to tell a start-up stall from a steady tail). */
  max_at_s: number;
  /** Per second of the run: requests due in it, their p99 and max latency (where the tail comes from). */
  timeline?: { s: number; n: number; p99_ms: number; max_ms: number }[];
  /** How late the generator itself sent requests (its own scheduling noise, included in the latencies). */
  send_lag_p99_ms: number;
}

/**
 * Open-loop load: requests start on a fixed schedule (`rps`) whatever the latency, so queueing shows up in the
 * percentiles (closed-loop generators hide it). Latency is measured from the scheduled start.
 */
export async function openLoop(
  client: Client,
  method: string,
  makeRequest: (i: number) => unknown,
  rps: number,
  seconds: number,
): Promise<LoadResult> {
  const fn = (client as unknown as Record<string, (...a: unknown[]) => unknown>)[method];
  if (typeof fn !== 'function') throw new Error(`no method ${method}`);
  const total = Math.round(rps * seconds);
  const latencies: number[] = [];
  const sendLag: number[] = [];
  let worst = { ms: -1, atS: 0 };
  const perSecond: number[][] = Array.from({ length: Math.ceil(seconds) + 1 }, () => []);
  let errors = 0;
  let firstError: string | null = null;
  const start = process.hrtime.bigint();
  const interval = 1e9 / rps;
  const inflight: Promise<void>[] = [];
  // One pacing loop (not a timer per request): wake about every millisecond and send every request that is due.
  let i = 0;
  while (i < total) {
    const now = process.hrtime.bigint();
    while (i < total) {
      const due = start + BigInt(Math.round(i * interval));
      if (due > now) break;
      sendLag.push(Number(now - due) / 1e6);
      const n = i++;
      inflight.push(
        new Promise<void>((resolveCall) => {
          fn.call(client, makeRequest(n), { deadline: Date.now() + 10_000 }, (err: Error | null) => {
            const ms = Number(process.hrtime.bigint() - due) / 1e6;
            if (err) {
              errors += 1;
              firstError ??= err.message;
            } else {
              latencies.push(ms);
              const atS = Number(due - start) / 1e9;
              if (ms > worst.ms) worst = { ms, atS };
              perSecond[Math.min(perSecond.length - 1, Math.floor(atS))]!.push(ms);
            }
            resolveCall();
          });
        }),
      );
    }
    await new Promise((r) => setTimeout(r, 1));
  }
  await Promise.all(inflight);
  const elapsed = Number(process.hrtime.bigint() - start) / 1e9;
  if (firstError) console.error(`  first error: ${firstError}`);
  latencies.sort((a, b) => a - b);
  const r2 = (x: number): number => Number(x.toFixed(3));
  return {
    target_rps: rps,
    seconds,
    sent: total,
    ok: latencies.length,
    errors,
    achieved_rps: Math.round(latencies.length / elapsed),
    p50_ms: r2(percentile(latencies, 50)),
    p90_ms: r2(percentile(latencies, 90)),
    p99_ms: r2(percentile(latencies, 99)),
    max_ms: r2(latencies[latencies.length - 1] ?? NaN),
    max_at_s: r2(worst.atS),
    timeline: perSecond
      .map((xs, sec) => {
        xs.sort((a, b) => a - b);
        return { s: sec, n: xs.length, p99_ms: r2(percentile(xs, 99)), max_ms: r2(xs[xs.length - 1] ?? 0) };
      })
      .filter((w) => w.n > 0),
    send_lag_p99_ms: r2(
      percentile(
        sendLag.sort((a, b) => a - b),
        99,
      ),
    ),
  };
}

export interface ClosedResult {
  concurrency: number;
  seconds: number;
  requests: number;
  rps: number;
  p50_ms: number;
  p99_ms: number;
}

/** Closed loop with `concurrency` callers: the maximum sustainable throughput. */
export async function closedLoop(
  client: Client,
  method: string,
  makeRequest: (i: number) => unknown,
  concurrency: number,
  seconds: number,
): Promise<ClosedResult> {
  const fn = (client as unknown as Record<string, (...a: unknown[]) => unknown>)[method];
  if (typeof fn !== 'function') throw new Error(`no method ${method}`);
  const end = Date.now() + seconds * 1000;
  const latencies: number[] = [];
  let i = 0;
  const worker = async (): Promise<void> => {
    while (Date.now() < end) {
      const t = process.hrtime.bigint();
      await new Promise<void>((res, rej) =>
        fn.call(client, makeRequest(i++), { deadline: Date.now() + 10_000 }, (err: Error | null) =>
          err ? rej(err) : res(),
        ),
      );
      latencies.push(Number(process.hrtime.bigint() - t) / 1e6);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  latencies.sort((a, b) => a - b);
  return {
    concurrency,
    seconds,
    requests: latencies.length,
    rps: Math.round(latencies.length / seconds),
    p50_ms: Number(percentile(latencies, 50).toFixed(3)),
    p99_ms: Number(percentile(latencies, 99).toFixed(3)),
  };
}
