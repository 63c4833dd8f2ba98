import { spawn } from 'node:child_process';
import { resolve } from 'node:path';

export const REPO_ROOT = resolve(__dirname, '../..');
export const FUSION_BIN = resolve(REPO_ROOT, 'apps/cli/bin/fusion.js');
/** The shared real data, beside the repository (never copied into it). */
export const SHARED_DATA = resolve(REPO_ROOT, '../shared/data');

export interface FusionRun {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs `node apps/cli/bin/fusion.js ...args` as a user would (child process, repo root as cwd, no FUSION_* env). */
export function runFusion(
  args: readonly string[],
  opts: { cwd?: string; env?: Record<string, string>; timeoutMs?: number; stdin?: string } = {},
): Promise<FusionRun> {
  const env: NodeJS.ProcessEnv = { ...process.env, ...opts.env };
  for (const key of Object.keys(env)) if (key.startsWith('FUSION_') && !opts.env?.[key]) delete env[key];
  // The CLI registers its own swc hook; the test runner's settings must not leak into it.
  delete env['NODE_OPTIONS'];
  const started = Date.now();
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [FUSION_BIN, ...args], {
      cwd: opts.cwd ?? REPO_ROOT,
      env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout, stderr, ms: Date.now() - started });
    });
    child.stdin.end(opts.stdin ?? '');
  });
}

/** The error contract: exactly one line on stderr, `fusion: ...`, no stack trace. */
export function expectOneLineError(run: FusionRun): string {
  const lines = run.stderr.split('\n').filter((l) => l.trim() !== '');
  if (lines.length !== 1) throw new Error(`expected one stderr line, got ${lines.length}:\n${run.stderr}`);
  const line = lines[0] ?? '';
  if (!line.startsWith('fusion: ')) throw new Error(`stderr line does not start with "fusion: ": ${line}`);
  if (/\n\s+at |\bat .*\.(ts|js):\d+/.test(run.stderr))
    throw new Error(`stack trace on stderr:\n${run.stderr}`);
  return line;
}
