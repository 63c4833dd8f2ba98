import { resolve } from 'node:path';
import { CliError } from './cli-error';

/** The options every command accepts (flags win over the environment). */
export interface GlobalOptions {
  /** host:port of a running FusionFactory; unset: run the embedded deployment in-process. */
  address?: string;
  json: boolean;
  verbose: boolean;
  quiet: boolean;
  tenant: string;
  /** Data directory of the embedded deployment. */
  dataDir: string;
}

export const DEFAULT_TENANT = 'default';
export const DEFAULT_DATA_DIR = '.fusion-data';

/** `--data-dir memory` (as FUSION_DATA_DIR=memory for `npm start`): the embedded deployment keeps nothing on disk. */
export const IN_MEMORY_DATA_DIR = 'memory';

/**
 * Where the embedded deployment keeps its PGlite store inside a data directory: `<data-dir>/pglite`, the layout of
 * `npm start` (apps/fusion/src/main.ts), so the CLI and `npm start` share one store; undefined for `memory`.
 */
export function embeddedStoreDir(dataDir: string): string | undefined {
  return dataDir === IN_MEMORY_DATA_DIR ? undefined : resolve(dataDir, 'pglite');
}

const TENANT = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** Resolves the global flags against FUSION_ADDRESS, FUSION_TENANT and FUSION_DATA_DIR. */
export function resolveGlobals(
  raw: Record<string, unknown>,
  env: NodeJS.ProcessEnv = process.env,
): GlobalOptions {
  const address = str(raw['address']) ?? (env['FUSION_ADDRESS']?.trim() || undefined);
  if (address !== undefined) checkAddress(address);
  const tenant = str(raw['tenant']) ?? (env['FUSION_TENANT']?.trim() || DEFAULT_TENANT);
  if (!TENANT.test(tenant))
    throw CliError.usage(`bad --tenant '${tenant}': use 1-64 letters, digits, dot, dash or underscore`);
  return {
    ...(address !== undefined ? { address } : {}),
    json: raw['json'] === true,
    verbose: raw['verbose'] === true,
    quiet: raw['quiet'] === true,
    tenant,
    dataDir: str(raw['dataDir']) ?? (env['FUSION_DATA_DIR']?.trim() || DEFAULT_DATA_DIR),
  };
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
}

/** host:port, [v6]:port or a unix: / dns: target as grpc-js takes them. */
export function checkAddress(address: string): void {
  if (/^(unix|unix-abstract|dns|ipv4|ipv6):/.test(address)) return;
  const m = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(address);
  const port = m ? Number(m[2]) : NaN;
  if (!m || port < 1 || port > 65535) {
    throw CliError.usage(
      `bad --address '${address}': use host:port, e.g. localhost:50051 (or unset it to run embedded)`,
    );
  }
}

/** Writes command results: JSON (one document on stdout) with --json, text otherwise. */
export class Output {
  constructor(private readonly globals: Pick<GlobalOptions, 'json' | 'quiet'>) {}

  get json(): boolean {
    return this.globals.json;
  }

  /** The command's result: `json` with --json, else `text`. */
  result(json: unknown, text: string | (() => string)): void {
    if (this.globals.json) process.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
    else {
      const t = typeof text === 'function' ? text() : text;
      process.stdout.write(t.endsWith('\n') ? t : `${t}\n`);
    }
  }

  /** A side note for people (stderr, so stdout stays clean for --json and pipes). */
  note(text: string): void {
    if (!this.globals.quiet) process.stderr.write(`${text}\n`);
  }
}

/** A small aligned text table. */
export function textTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}
