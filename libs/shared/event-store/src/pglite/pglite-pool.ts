import { EventEmitter } from 'node:events';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { PGlite, types, type PGliteOptions } from '@electric-sql/pglite';

interface PgLikeResult {
  rows: unknown[];
  rowCount: number;
  command: string;
  fields: { name: string; dataTypeID: number }[];
}

/**
 * PGlite is one Postgres session. Each checkout holds an exclusive lease until released, so a TypeORM
 * transaction (BEGIN ... COMMIT on one query runner) never interleaves with another caller's statements.
 */
class SessionLease {
  private tail: Promise<void> = Promise.resolve();

  acquire(): Promise<() => void> {
    let release!: () => void;
    const next = new Promise<void>((resolve) => (release = resolve));
    const ready = this.tail.then(() => release);
    this.tail = this.tail.then(() => next);
    return ready;
  }
}

/** A checked-out PGlite "connection" with the slice of the `pg` client API that TypeORM uses. */
class PGliteClient extends EventEmitter {
  constructor(private readonly db: PGlite) {
    super();
  }

  async query(sql: string, params?: unknown[]): Promise<PgLikeResult> {
    if (!Array.isArray(params) || params.length === 0) {
      // Simple protocol: also runs multi-statement strings (TypeORM expects the last statement's result).
      const results = await this.db.exec(sql);
      const last = results[results.length - 1];
      return toPgResult(sql, last?.rows ?? [], last?.affectedRows, last?.fields ?? []);
    }
    const r = await this.db.query(sql, params.map(serializeParam));
    return toPgResult(sql, r.rows, r.affectedRows, r.fields);
  }

  release(): void {
    /* the lease is released by the pool callback */
  }
}

function serializeParam(value: unknown): unknown {
  // Match node-postgres: plain objects and arrays of objects go to json/jsonb as JSON text.
  if (value === undefined) return null;
  if (typeof value === 'bigint') return value.toString();
  return value;
}

function toPgResult(
  sql: string,
  rows: unknown[],
  affectedRows: number | undefined,
  fields: readonly { name: string; dataTypeID: number }[],
): PgLikeResult {
  const command = (/^\s*(\w+)/.exec(sql)?.[1] ?? '').toUpperCase();
  const isDml = command === 'UPDATE' || command === 'DELETE' || command === 'INSERT';
  return {
    rows,
    rowCount: isDml ? (affectedRows ?? rows.length) : rows.length,
    command,
    fields: fields.map((f) => ({ name: f.name, dataTypeID: f.dataTypeID })),
  };
}

export interface PGlitePoolOptions {
  /** `memory://` (default) or a directory path for a persistent store. */
  dataDir?: string;
}

/** Type parsers that make PGlite return what node-postgres returns (int8 and numeric as strings). */
export const pgCompatibleParsers: PGliteOptions['parsers'] = {
  [types.INT8]: (v: string) => v,
  [types.NUMERIC]: (v: string) => v,
};

/**
 * The `pg` module surface TypeORM's postgres driver needs (`new Pool(opts)`, `connect(cb)`, `end(cb)`),
 * backed by one PGlite instance per pool. Pass `{ Pool: createPGlitePoolClass(opts) }` as the driver.
 */
export function createPGliteDriver(opts: PGlitePoolOptions): { Pool: new () => EventEmitter } {
  let instance: Promise<PGlite> | null = null;
  const lease = new SessionLease();
  let releaseLock: (() => void) | null = null;
  const open = (): Promise<PGlite> => {
    if (!instance) {
      // PGlite is one process's database: a second process on the same directory would corrupt it.
      if (opts.dataDir && !opts.dataDir.startsWith('memory://')) releaseLock = lockDataDir(opts.dataDir);
      instance = openPGlite(opts.dataDir);
    }
    return instance;
  };

  class PGlitePool extends EventEmitter {
    connect(
      cb: (err: Error | null, client: PGliteClient | null, release: (err?: unknown) => void) => void,
    ): void {
      void (async () => {
        let release: (() => void) | undefined;
        try {
          const db = await open();
          release = await lease.acquire();
          const done = release;
          let released = false;
          cb(null, new PGliteClient(db), () => {
            if (!released) {
              released = true;
              done();
            }
          });
        } catch (err) {
          release?.();
          cb(err as Error, null, () => undefined);
        }
      })();
    }

    end(cb?: (err: Error | null) => void): void {
      const closing = instance;
      instance = null;
      void (async () => {
        try {
          if (closing) await (await closing).close();
          releaseLock?.();
          releaseLock = null;
          cb?.(null);
        } catch (err) {
          cb?.(err as Error);
        }
      })();
    }
  }
  return { Pool: PGlitePool };
}

const PGLITE_VERSION: string = (() => {
  // The package's exports hide package.json: walk up from its entry point instead.
  try {
    let dir = dirname(require.resolve('@electric-sql/pglite'));
    for (let i = 0; i < 5; i++) {
      const candidate = join(dir, 'package.json');
      if (existsSync(candidate)) {
        const pkg = JSON.parse(readFileSync(candidate, 'utf8')) as { name?: string; version?: string };
        if (pkg.name === '@electric-sql/pglite' && pkg.version) return pkg.version;
      }
      dir = dirname(dir);
    }
  } catch {
    // fall through
  }
  return 'unknown';
})();

function templatePath(): string {
  const base = process.env['XDG_CACHE_HOME'] ?? join(homedir(), '.cache');
  return join(base, 'fusionfactory', `pglite-${PGLITE_VERSION}-empty-cluster.tar.gz`);
}

function isEmptyOrMissing(dir: string): boolean {
  return !existsSync(dir) || readdirSync(dir).length === 0;
}

/**
 * A new PGlite cluster costs an initdb (seconds on a small machine); an empty cluster dumped once and cached
 * under ~/.cache/fusionfactory loads in well under a second. Existing data directories open as they are.
 */
async function openPGlite(dataDir: string | undefined): Promise<PGlite> {
  const target = dataDir ?? 'memory://';
  if (!target.startsWith('memory://')) mkdirSync(dirname(target), { recursive: true });
  const fresh = target.startsWith('memory://') || isEmptyOrMissing(target);
  if (!fresh) return PGlite.create(target, { parsers: pgCompatibleParsers });
  const cached = templatePath();
  if (existsSync(cached)) {
    try {
      return await PGlite.create(target, {
        parsers: pgCompatibleParsers,
        loadDataDir: new Blob([readFileSync(cached)]),
      });
    } catch {
      // A corrupt or incompatible template: fall through and rebuild it.
    }
  }
  const db = await PGlite.create(target, { parsers: pgCompatibleParsers });
  try {
    const dump = await db.dumpDataDir('gzip');
    mkdirSync(join(cached, '..'), { recursive: true });
    const tmp = `${cached}.${process.pid}.tmp`;
    writeFileSync(tmp, Buffer.from(await dump.arrayBuffer()));
    renameSync(tmp, cached);
  } catch {
    // Caching is an optimisation only.
  }
  return db;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * An exclusive lock file beside the data directory (`<dir>.lock`, holding the owner's pid). A lock left by a
 * process that no longer runs is taken over; one held by a live process is an error naming it.
 */
export function lockDataDir(dataDir: string): () => void {
  mkdirSync(dirname(dataDir), { recursive: true });
  const lockPath = `${dataDir.replace(/[/\\]+$/, '')}.lock`;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockPath, 'wx');
      writeFileSync(fd, String(process.pid));
      closeSync(fd);
      return () => {
        try {
          if (readFileSync(lockPath, 'utf8').trim() === String(process.pid)) unlinkSync(lockPath);
        } catch {
          // already gone
        }
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const owner = Number(readFileSync(lockPath, 'utf8').trim());
      if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && processAlive(owner)) {
        throw new Error(
          `${dataDir} is in use by process ${owner} (lock ${lockPath}); stop it, or use another FUSION_DATA_DIR`,
        );
      }
      unlinkSync(lockPath); // stale: its owner is gone
    }
  }
  throw new Error(`could not lock ${dataDir}`);
}
