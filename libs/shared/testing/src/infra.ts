import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Client } from 'pg';

/** Connection details of the real Kafka and PostgreSQL that int and e2e tests run against. */
export interface Infra {
  kafkaBrokers: string;
  databaseUrl: string;
}

/** A database of its own for one test suite; `drop()` removes it (idempotent). */
export interface TestDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

const REPO_ROOT = resolve(__dirname, '../../../..');

/** Folder for infra state (pids, ports, logs, infra.json): FUSION_INFRA_DIR or <repo>/tmp/infra. */
export function infraStateDir(): string {
  return process.env['FUSION_INFRA_DIR'] || join(REPO_ROOT, 'tmp', 'infra');
}

/** Where global-setup writes the connection details for test workers. */
export function infraFilePath(): string {
  return join(infraStateDir(), 'infra.json');
}

/** Parses the `KEY=value` lines that scripts/infra/*.sh print; other lines are ignored. */
export function parseEnvLines(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (m?.[1] !== undefined && m[2] !== undefined) out[m[1]] = m[2];
  }
  return out;
}

function readInfraFile(file: string): Partial<Infra> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`${file}: not valid JSON (${(err as Error).message}); delete it and rerun the int tests`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new Error(`${file}: expected an object with kafkaBrokers and databaseUrl`);
  }
  const obj = parsed as Record<string, unknown>;
  const out: Partial<Infra> = {};
  for (const key of ['kafkaBrokers', 'databaseUrl'] as const) {
    const v = obj[key];
    if (v === undefined) continue;
    if (typeof v !== 'string' || v === '')
      throw new Error(`${file}: field ${key} must be a non-empty string`);
    out[key] = v;
  }
  return out;
}

/**
 * Kafka brokers and database URL for tests: KAFKA_BROKERS / DATABASE_URL from the environment first,
 * then `<state dir>/infra.json` written by test/support/global-setup.ts. Throws a message that says how
 * to get the infrastructure when neither has them.
 */
export function getInfra(): Infra {
  const fromEnv: Partial<Infra> = {
    kafkaBrokers: process.env['KAFKA_BROKERS'] || undefined,
    databaseUrl: process.env['DATABASE_URL'] || undefined,
  };
  const file = infraFilePath();
  const fromFile =
    fromEnv.kafkaBrokers && fromEnv.databaseUrl ? {} : existsSync(file) ? readInfraFile(file) : {};
  const kafkaBrokers = fromEnv.kafkaBrokers ?? fromFile.kafkaBrokers;
  const databaseUrl = fromEnv.databaseUrl ?? fromFile.databaseUrl;
  const missing = [
    kafkaBrokers ? undefined : 'KAFKA_BROKERS',
    databaseUrl ? undefined : 'DATABASE_URL',
  ].filter((m): m is string => m !== undefined);
  if (kafkaBrokers === undefined || databaseUrl === undefined) {
    throw new Error(
      `test infrastructure not available: ${missing.join(' and ')} unset and not in ${file}. ` +
        'Run these tests with `npx vitest run --project int` (its globalSetup starts Kafka and PostgreSQL), ' +
        'or start them yourself: eval "$(scripts/infra/all.sh start)".',
    );
  }
  return { kafkaBrokers, databaseUrl };
}

function databaseName(prefix: string): string {
  const clean = prefix
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 40);
  if (clean === '') throw new Error(`createTestDatabase: prefix "${prefix}" has no letters or digits`);
  return `t_${clean}_${randomBytes(6).toString('hex')}`;
}

async function withAdmin<T>(adminUrl: string, fn: (c: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/**
 * Creates an empty database with a random name (`t_<prefix>_<hex>`) on the test cluster, so each suite
 * starts from a clean schema and suites never see each other's rows.
 */
export async function createTestDatabase(prefix: string): Promise<TestDatabase> {
  const name = databaseName(prefix);
  const adminUrl = getInfra().databaseUrl;
  await withAdmin(adminUrl, (c) => c.query(`CREATE DATABASE "${name}"`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    drop: async () => {
      // FORCE ends connections a test left open (pools not closed after a failure).
      await withAdmin(adminUrl, (c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
    },
  };
}
