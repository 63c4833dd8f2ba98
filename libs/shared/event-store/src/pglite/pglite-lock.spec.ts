import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lockDataDir } from './pglite-pool';

describe('lockDataDir', () => {
  it('takes the lock, refuses a second holder while the first lives, and releases it', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'pglite-lock-')), 'pglite');
    const release = lockDataDir(dir);
    expect(readFileSync(`${dir}.lock`, 'utf8')).toBe(String(process.pid));
    // Another live process holding it: simulate by writing the pid of a process that surely runs (pid 1).
    release();
    expect(existsSync(`${dir}.lock`)).toBe(false);
    writeFileSync(`${dir}.lock`, '1');
    expect(() => lockDataDir(dir)).toThrow(/is in use by process 1 .*use another FUSION_DATA_DIR/);
  });

  it('takes over a lock whose owner is gone', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'pglite-lock-')), 'pglite');
    const dead = spawnSync(process.execPath, [
      '-e',
      'process.stdout.write(String(process.pid))',
    ]).stdout.toString();
    writeFileSync(`${dir}.lock`, dead);
    const release = lockDataDir(dir);
    expect(readFileSync(`${dir}.lock`, 'utf8')).toBe(String(process.pid));
    release();
  });
});
