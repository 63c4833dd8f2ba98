import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, lstatSync, readFileSync, readlinkSync, realpathSync } from 'node:fs';
import { constants as osConstants } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { DomainError } from '@fusion/shared/kernel';
import type {
  CodeSandbox,
  SandboxRunOptions,
  SandboxRunResult,
} from '../../application/scoring/code-sandbox.port';

/** Resource limits applied to every sandboxed program. */
export interface SandboxLimits {
  /** The program's own deadline (SIGALRM inside the harness). The paper uses 3 s. */
  timeoutMs: number;
  /** Extra wall time (startup, teardown) before the whole sandbox is SIGKILLed from outside. */
  killGraceMs: number;
  /** RLIMIT_CPU in seconds (SIGXCPU at the soft limit, SIGKILL one second later). */
  cpuSeconds: number;
  /** RLIMIT_AS: virtual address space of each process. */
  addressSpaceBytes: number;
  /** RLIMIT_NPROC: processes and threads of the sandbox user inside its own user namespace. */
  maxProcesses: number;
  /** RLIMIT_FSIZE: largest file the program may write. */
  maxFileBytes: number;
  /** RLIMIT_NOFILE: open file descriptors. */
  maxOpenFiles: number;
  /** Size of the private tmpfs scratch dir (`/scratch`), the only writable place. */
  scratchBytes: number;
}

export const DEFAULT_SANDBOX_LIMITS: SandboxLimits = {
  timeoutMs: 3_000,
  killGraceMs: 2_000,
  cpuSeconds: 4,
  addressSpaceBytes: 1024 * 1024 * 1024,
  maxProcesses: 32,
  maxFileBytes: 16 * 1024 * 1024,
  maxOpenFiles: 64,
  scratchBytes: 32 * 1024 * 1024,
};

export interface BubblewrapSandboxOptions {
  /** Default: /usr/bin/bwrap, else `bwrap` on PATH. */
  bwrapPath?: string;
  /** Default: /usr/bin/python3, else /usr/local/bin/python3. A python outside /usr gets its prefix bound read-only. */
  pythonPath?: string;
  /** Extra host paths bound read-only at the same place inside the sandbox. */
  readOnlyBinds?: string[];
  /** Default: sandbox-harness.py beside this file. */
  harnessPath?: string;
  /**
   * Host uid/gid that bwrap runs as when this process is root. RLIMIT_NPROC never binds root (the kernel exempts
   * uid 0 even inside a user namespace), so as root we start bwrap as this unprivileged user. Default 65534.
   */
  unprivilegedId?: number;
  limits?: Partial<SandboxLimits>;
  /** Sandboxes allowed to run at once; further runs wait. Default 4. */
  maxConcurrent?: number;
  /** Bytes of stdout/stderr kept (the tail). Default 4096. */
  outputTailBytes?: number;
}

const SANDBOX_PROGRAM = '/sandbox/program.py';
const SANDBOX_HARNESS = '/sandbox/harness.py';
const SCRATCH = '/scratch';
// The child's fds: 0-2 stdio, 3 harness source, 4 program source (both read by bwrap), 5 the harness's verdicts.
const RESULT_FD = 5;
// The program can write to the verdict fd too; without the token its bytes are ignored, and capped.
const MAX_PENDING_LINE = 8 * 1024;
const MAX_VERDICT_LINES = 8;

/**
 * {@link CodeSandbox} on Debian's bubblewrap: each run is a fresh `bwrap` with every namespace unshared (no
 * network, own PIDs), only /usr and the python needed bound read-only, a size-capped tmpfs as the only writable
 * dir, an unprivileged uid, rlimits set by a small harness before the program starts, and a wall-clock kill of
 * the whole process group (the PID namespace dies with it).
 */
export class BubblewrapSandbox implements CodeSandbox {
  private readonly bwrap: string;
  private readonly python: string;
  private readonly harnessSource: string;
  private readonly baseArgs: string[];
  private readonly limits: SandboxLimits;
  private readonly runAs: { uid: number; gid: number } | null;
  private readonly tailBytes: number;
  private readonly gate: Semaphore;

  constructor(opts: BubblewrapSandboxOptions = {}) {
    this.bwrap = opts.bwrapPath ?? findBwrap();
    if (!existsSync(this.bwrap)) {
      throw DomainError.failedPrecondition(
        `bubblewrap not found at ${this.bwrap}: install the Debian package "bubblewrap" (apt-get install bubblewrap)`,
      );
    }
    this.python = opts.pythonPath ?? findPython();
    const harnessPath = opts.harnessPath ?? join(__dirname, 'sandbox-harness.py');
    this.harnessSource = readFileSync(harnessPath, 'utf8');
    this.limits = { ...DEFAULT_SANDBOX_LIMITS, ...opts.limits };
    const id = opts.unprivilegedId ?? 65534;
    this.runAs = process.getuid?.() === 0 ? { uid: id, gid: id } : null;
    this.tailBytes = opts.outputTailBytes ?? 4096;
    this.gate = new Semaphore(opts.maxConcurrent ?? 4);
    this.baseArgs = buildBwrapArgs(this.python, opts.readOnlyBinds ?? [], this.limits.scratchBytes);
  }

  /** Runs `pass` once; throws a DomainError naming the cause when the sandbox cannot start here. */
  async probe(): Promise<void> {
    const result = await this.run('pass\n');
    if (!result.passed) {
      throw DomainError.unavailable(`code sandbox self-test failed: ${result.reason}`, {
        stderr: result.stderrTail,
      });
    }
  }

  async run(program: string, opts: SandboxRunOptions = {}): Promise<SandboxRunResult> {
    const timeoutMs = opts.timeoutMs ?? this.limits.timeoutMs;
    if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
      throw DomainError.invalidArgument(
        'timeoutMs',
        `must be a positive number of ms, got ${String(timeoutMs)}`,
      );
    }
    const release = await this.gate.acquire();
    try {
      return await this.runOnce(program, timeoutMs);
    } finally {
      release();
    }
  }

  private runOnce(program: string, timeoutMs: number): Promise<SandboxRunResult> {
    const l = this.limits;
    const token = randomBytes(16).toString('hex');
    const args = [
      ...this.baseArgs,
      this.python,
      '-I',
      '-B',
      SANDBOX_HARNESS,
      SANDBOX_PROGRAM,
      String(RESULT_FD),
      String(timeoutMs / 1000),
      String(Math.max(1, Math.ceil(l.cpuSeconds))),
      String(l.addressSpaceBytes),
      String(l.maxProcesses),
      String(l.maxFileBytes),
      String(l.maxOpenFiles),
    ];
    const started = Date.now();

    return new Promise<SandboxRunResult>((resolve, reject) => {
      let child;
      try {
        child = spawn(this.bwrap, args, {
          stdio: ['pipe', 'pipe', 'pipe', 'pipe', 'pipe', 'pipe'],
          detached: true, // own process group, so a kill reaches bwrap and everything it started
          cwd: '/',
          env: {},
          ...(this.runAs ?? {}),
        });
      } catch (err) {
        reject(DomainError.unavailable(`cannot start bubblewrap (${this.bwrap}): ${String(err)}`));
        return;
      }
      const stdout = new Tail(this.tailBytes);
      const stderr = new Tail(this.tailBytes);
      const verdicts = new VerdictLines(`${token} `);
      let timedOut = false;
      let settled = false;

      const killGroup = (): void => {
        if (child.pid === undefined) return;
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          // already gone
        }
      };
      const hardDeadline = setTimeout(() => {
        timedOut = true;
        killGroup();
      }, timeoutMs + l.killGraceMs);

      const pipes = child.stdio as unknown as [Writable, Readable, Readable, Writable, Writable, Readable];
      // A sandbox that dies early closes these pipes; the write errors are expected then.
      for (const w of [pipes[0], pipes[3], pipes[4]]) w.on('error', () => undefined);
      pipes[1].on('data', (b: Buffer) => stdout.push(b));
      pipes[2].on('data', (b: Buffer) => stderr.push(b));
      pipes[5].on('data', (b: Buffer) => verdicts.push(b));
      pipes[3].end(this.harnessSource);
      pipes[4].end(program);
      pipes[0].end(`${token}\n`);

      child.on('error', (err) => {
        if (settled) return;
        settled = true;
        clearTimeout(hardDeadline);
        killGroup();
        reject(DomainError.unavailable(`cannot start bubblewrap (${this.bwrap}): ${err.message}`));
      });
      child.on('close', (code, signal) => {
        if (settled) return;
        settled = true;
        clearTimeout(hardDeadline);
        killGroup(); // nothing should be left; this is belt and braces
        const outcome = interpret({
          verdicts: verdicts.lines(),
          exitCode: code,
          signal,
          timedOut,
          timeoutMs,
          wallMs: timeoutMs + l.killGraceMs,
        });
        if (outcome.kind === 'infrastructure') {
          reject(
            DomainError.unavailable(`code sandbox did not start: ${outcome.reason}`, {
              stderr: stderr.text(),
              exitCode: code,
            }),
          );
          return;
        }
        resolve({
          passed: outcome.passed,
          reason: outcome.reason,
          exitCode: code,
          signal: outcome.signal,
          timedOut: outcome.timedOut,
          stdoutTail: stdout.text(),
          stderrTail: stderr.text(),
          durationMs: Date.now() - started,
        });
      });
    });
  }
}

interface Observed {
  /** Lines that carried the token, token removed. */
  verdicts: string[];
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  timeoutMs: number;
  wallMs: number;
}

type Outcome =
  | { kind: 'program'; passed: boolean; reason: string; signal: string | null; timedOut: boolean }
  | { kind: 'infrastructure'; reason: string };

function interpret(o: Observed): Outcome {
  const body = o.verdicts;
  // bwrap exits 128+N when its child died of signal N.
  const signal = o.signal ?? (o.exitCode !== null && o.exitCode > 128 ? signalName(o.exitCode - 128) : null);
  if (!body.includes('START')) {
    const why = o.timedOut
      ? `no start within ${o.wallMs} ms`
      : `bwrap exited with status ${String(o.exitCode)}`;
    return { kind: 'infrastructure', reason: why };
  }
  if (body.includes('PASS')) {
    return { kind: 'program', passed: true, reason: 'passed', signal: null, timedOut: false };
  }
  const fail = body.find((b) => b.startsWith('FAIL '));
  if (fail !== undefined) {
    let reason: string;
    try {
      reason = String(JSON.parse(fail.slice(5)));
    } catch {
      reason = fail.slice(5);
    }
    const harnessTimeout = reason.startsWith('timed out');
    return { kind: 'program', passed: false, reason, signal: null, timedOut: harnessTimeout };
  }
  if (o.timedOut) {
    return {
      kind: 'program',
      passed: false,
      reason: `timed out: killed after ${o.wallMs} ms wall clock (program deadline ${o.timeoutMs} ms)`,
      signal: 'SIGKILL',
      timedOut: true,
    };
  }
  if (signal === 'SIGXCPU') {
    return {
      kind: 'program',
      passed: false,
      reason: 'CPU time limit exceeded (SIGXCPU)',
      signal,
      timedOut: false,
    };
  }
  if (signal === 'SIGKILL') {
    return {
      kind: 'program',
      passed: false,
      reason: 'killed by SIGKILL (hard CPU limit or memory)',
      signal,
      timedOut: false,
    };
  }
  if (signal !== null) {
    return { kind: 'program', passed: false, reason: `killed by ${signal}`, signal, timedOut: false };
  }
  return {
    kind: 'program',
    passed: false,
    reason: `program exited with status ${String(o.exitCode)} before its tests finished`,
    signal: null,
    timedOut: false,
  };
}

function signalName(n: number): string {
  const entry = Object.entries(osConstants.signals).find(([, v]) => v === n);
  return entry ? entry[0] : `signal ${n}`;
}

function buildBwrapArgs(python: string, extraBinds: string[], scratchBytes: number): string[] {
  const args = [
    '--unshare-all', // user, pid, net, ipc, uts, cgroup: no network at all, only a loopback nobody listens on
    '--unshare-user',
    '--disable-userns', // the program may not build a namespace of its own
    '--die-with-parent',
    '--new-session',
    '--cap-drop',
    'ALL',
    '--uid',
    '65534',
    '--gid',
    '65534',
    '--hostname',
    'sandbox',
    '--clearenv',
    '--setenv',
    'PATH',
    '/usr/bin:/bin',
    '--setenv',
    'HOME',
    SCRATCH,
    '--setenv',
    'TMPDIR',
    SCRATCH,
    '--setenv',
    'LANG',
    'C.UTF-8',
    '--ro-bind',
    '/usr',
    '/usr',
  ];
  // Merged-/usr systems have /lib -> usr/lib etc.; older layouts have real directories.
  for (const top of ['/bin', '/sbin', '/lib', '/lib32', '/lib64', '/libx32']) {
    if (!existsSync(top)) continue;
    const st = lstatSync(top);
    if (st.isSymbolicLink()) args.push('--symlink', readlinkSync(top), top);
    else if (st.isDirectory()) args.push('--ro-bind', top, top);
  }
  for (const etc of ['/etc/alternatives', '/etc/ld.so.cache']) args.push('--ro-bind-try', etc, etc);
  const real = existsSync(python) ? realpathSync(python) : python;
  const binds = [...extraBinds];
  if (!real.startsWith('/usr/') && !extraBinds.some((b) => real.startsWith(`${b}/`))) {
    binds.push(dirname(dirname(real))); // <prefix>/bin/python3 -> <prefix>
  }
  for (const b of binds) args.push('--ro-bind', b, b);
  args.push(
    '--proc',
    '/proc',
    '--dev',
    '/dev',
    '--remount-ro',
    '/dev',
    '--size',
    String(scratchBytes),
    '--tmpfs',
    SCRATCH,
    '--dir',
    '/sandbox',
    '--ro-bind-data',
    '3',
    SANDBOX_HARNESS,
    '--ro-bind-data',
    '4',
    SANDBOX_PROGRAM,
    '--remount-ro',
    '/', // last: everything outside /scratch is read-only from here on
    '--chdir',
    SCRATCH,
  );
  return args;
}

function findBwrap(): string {
  if (existsSync('/usr/bin/bwrap')) return '/usr/bin/bwrap';
  for (const dir of (process.env['PATH'] ?? '').split(delimiter)) {
    if (dir && existsSync(join(dir, 'bwrap'))) return join(dir, 'bwrap');
  }
  return '/usr/bin/bwrap';
}

function findPython(): string {
  // Debian's python lives under /usr, which is bound anyway; a pyenv python under /root is unreadable for the
  // unprivileged sandbox user, so it is never picked implicitly.
  for (const p of ['/usr/bin/python3', '/usr/local/bin/python3']) if (existsSync(p)) return p;
  throw DomainError.failedPrecondition(
    'no python3 for the code sandbox: install the Debian package "python3" or pass pythonPath',
  );
}

/** Keeps the last `limit` bytes of a stream. */
class Tail {
  private chunks: Buffer[] = [];
  private size = 0;
  constructor(private readonly limit: number) {}

  push(b: Buffer): void {
    this.chunks.push(b);
    this.size += b.length;
    while (this.size > this.limit) {
      const first = this.chunks[0] as Buffer;
      const excess = this.size - this.limit;
      if (first.length <= excess) {
        this.chunks.shift();
        this.size -= first.length;
      } else {
        this.chunks[0] = first.subarray(excess);
        this.size -= excess;
      }
    }
  }

  text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }
}

/** Collects the lines of the verdict fd that start with the run's token. */
class VerdictLines {
  private pending = '';
  private readonly found: string[] = [];
  constructor(private readonly prefix: string) {}

  push(b: Buffer): void {
    this.pending += b.toString('utf8');
    const parts = this.pending.split('\n');
    this.pending = parts.pop() ?? '';
    if (this.pending.length > MAX_PENDING_LINE) this.pending = '';
    for (const line of parts) {
      if (line.startsWith(this.prefix) && this.found.length < MAX_VERDICT_LINES) {
        this.found.push(line.slice(this.prefix.length));
      }
    }
  }

  lines(): string[] {
    return [...this.found];
  }
}

class Semaphore {
  private active = 0;
  private readonly waiting: Array<() => void> = [];
  constructor(private readonly max: number) {
    if (!Number.isInteger(max) || max < 1) {
      throw DomainError.invalidArgument('maxConcurrent', `must be an integer >= 1, got ${String(max)}`);
    }
  }

  async acquire(): Promise<() => void> {
    if (this.active >= this.max) await new Promise<void>((r) => this.waiting.push(r));
    else this.active += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next) next();
      else this.active -= 1;
    };
  }
}
