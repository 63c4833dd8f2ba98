import { spawn } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { type Infra, infraFilePath, parseEnvLines } from './infra';

// vitest globalSetup for the int and e2e projects: real Kafka and PostgreSQL through scripts/infra.
// Values already in the environment win; otherwise the services are started (or reused when running).
// Workers read the result from infra.json (see getInfra), since env set here may not reach them.

const SCRIPTS = resolve(__dirname, '../../scripts/infra');

type Service = 'kafka' | 'postgres';

interface ScriptResult {
  code: number;
  stdout: string;
  stderr: string;
}

function runScript(service: Service, command: string): Promise<ScriptResult> {
  return new Promise((resolveRun, reject) => {
    const child = spawn('bash', [resolve(SCRIPTS, `${service}.sh`), command], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: process.env,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', (err) => reject(new Error(`cannot run scripts/infra/${service}.sh: ${err.message}`)));
    child.on('close', (code) => resolveRun({ code: code ?? 1, stdout, stderr }));
  });
}

/** Starts the service unless it runs already; returns its env value and whether we started it. */
async function ensure(service: Service, key: string): Promise<{ value: string; startedHere: boolean }> {
  const status = await runScript(service, 'status');
  const wasRunning = status.code === 0;
  const res = await runScript(service, wasRunning ? 'env' : 'start');
  const value = parseEnvLines(res.stdout)[key];
  if (res.code !== 0 || value === undefined) {
    throw new Error(
      `scripts/infra/${service}.sh ${wasRunning ? 'env' : 'start'} failed (exit ${res.code}); ` +
        `set ${key} to use an existing ${service}.\n${res.stderr.trim()}`,
    );
  }
  if (!wasRunning) process.stderr.write(res.stderr);
  return { value, startedHere: !wasRunning };
}

export default async function setup(): Promise<() => Promise<void>> {
  const started: Service[] = [];
  const fromEnv = {
    kafkaBrokers: process.env['KAFKA_BROKERS'] || undefined,
    databaseUrl: process.env['DATABASE_URL'] || undefined,
  };
  const [kafka, postgres] = await Promise.allSettled([
    fromEnv.kafkaBrokers
      ? Promise.resolve({ value: fromEnv.kafkaBrokers, startedHere: false })
      : ensure('kafka', 'KAFKA_BROKERS'),
    fromEnv.databaseUrl
      ? Promise.resolve({ value: fromEnv.databaseUrl, startedHere: false })
      : ensure('postgres', 'DATABASE_URL'),
  ]);
  if (kafka.status === 'fulfilled' && kafka.value.startedHere) started.push('kafka');
  if (postgres.status === 'fulfilled' && postgres.value.startedHere) started.push('postgres');

  const keep = process.env['FUSION_KEEP_INFRA'] === '1';
  const teardown = async (): Promise<void> => {
    if (keep || started.length === 0) return;
    rmSync(infraFilePath(), { force: true });
    for (const service of started) {
      const res = await runScript(service, 'stop');
      if (res.code !== 0) process.stderr.write(`scripts/infra/${service}.sh stop failed:\n${res.stderr}\n`);
    }
  };

  if (kafka.status === 'rejected' || postgres.status === 'rejected') {
    await teardown();
    const reasons = [kafka, postgres].filter((r) => r.status === 'rejected').map((r) => String(r.reason));
    throw new Error(reasons.join('\n'));
  }

  const infra: Infra = { kafkaBrokers: kafka.value.value, databaseUrl: postgres.value.value };
  const file = infraFilePath();
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(infra, null, 2)}\n`);
  process.env['KAFKA_BROKERS'] = infra.kafkaBrokers;
  process.env['DATABASE_URL'] = infra.databaseUrl;
  return teardown;
}
