import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';

export const REPO_ROOT = resolve(__dirname, '..');

/** Starts Kafka and PostgreSQL through the project's scripts (reused when running) and returns their env. */
export function ensureInfra(): { kafkaBrokers: string; databaseUrl: string } {
  const env: Record<string, string> = {};
  for (const svc of ['postgres', 'kafka']) {
    const out = execFileSync('bash', [join(REPO_ROOT, 'scripts/infra', `${svc}.sh`), 'start'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    for (const line of out.split('\n')) {
      const m = /^([A-Z_]+)=(.*)$/.exec(line.trim());
      if (m) env[m[1] as string] = m[2] as string;
    }
  }
  if (!env['KAFKA_BROKERS'] || !env['DATABASE_URL'])
    throw new Error('infra scripts did not print KAFKA_BROKERS / DATABASE_URL');
  // createTestDatabase() and the spawned services read these.
  process.env['KAFKA_BROKERS'] = env['KAFKA_BROKERS'];
  process.env['DATABASE_URL'] = env['DATABASE_URL'];
  return { kafkaBrokers: env['KAFKA_BROKERS'], databaseUrl: env['DATABASE_URL'] };
}

export function machine(): Record<string, unknown> {
  return {
    node: process.version,
    cpus: cpus().length,
    cpu_model: cpus()[0]?.model ?? 'unknown',
    load_average_1m: Number(loadavg()[0]?.toFixed(2)),
  };
}

/** Writes `bench/results/<name>.json` and `.md`; returns the paths. */
export function writeResults(name: string, json: unknown, markdown: string): { json: string; md: string } {
  const dir = join(REPO_ROOT, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const jsonPath = join(dir, `${name}.json`);
  const mdPath = join(dir, `${name}.md`);
  writeFileSync(jsonPath, `${JSON.stringify(json, null, 2)}\n`);
  writeFileSync(mdPath, markdown);
  return { json: jsonPath, md: mdPath };
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[idx] as number;
}

export function progress(label: string, done: number, total: number): void {
  const width = 30;
  const filled = Math.round((done / Math.max(total, 1)) * width);
  const line = `${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}`;
  if (process.stderr.isTTY) process.stderr.write(`\r${line}${done >= total ? '\n' : ''}`);
  else if (done === total || done % Math.max(1, Math.floor(total / 5)) === 0)
    process.stderr.write(`${line}\n`);
}
