import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DomainError, ErrorCode } from '@fusion/shared/kernel';
import { BubblewrapSandbox } from './bubblewrap-sandbox.adapter';

// These run the real bwrap: the containment is what is under test, so nothing here is mocked.
const REPO_ROOT = resolve(__dirname, '../../../../..');
const sandbox = new BubblewrapSandbox({ limits: { timeoutMs: 1000, killGraceMs: 1500 } });

/** Live (non-zombie) processes whose command line contains `marker`. */
function liveProcessesWith(marker: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      const state = /^State:\s+(\S)/m.exec(readFileSync(`/proc/${entry}/status`, 'utf8'))?.[1];
      if (cmdline.includes(marker) && state !== 'Z') pids.push(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  return pids;
}

describe('BubblewrapSandbox', () => {
  it('passes a program whose asserts hold and fails one whose assert does not', async () => {
    const ok = await sandbox.run('def add(a, b):\n    return a + b\nassert add(2, 3) == 5\n');
    expect(ok).toMatchObject({ passed: true, reason: 'passed', timedOut: false, exitCode: 0 });
    const bad = await sandbox.run(
      'def add(a, b):\n    return a - b\nassert add(2, 3) == 5, "add is wrong"\n',
    );
    expect(bad).toMatchObject({ passed: false, reason: 'AssertionError: add is wrong', timedOut: false });
  });

  it('keeps the tail of stdout and stderr', async () => {
    const r = await sandbox.run(
      'import sys\nprint("x" * 10000)\nprint("to stderr", file=sys.stderr)\nprint("last")\n',
    );
    expect(r.passed).toBe(true);
    expect(r.stdoutTail).toBe(`${'x'.repeat(4096 - 6)}\nlast\n`); // exactly the last 4096 bytes
    expect(r.stderrTail).toBe('to stderr\n');
  });

  it('contains a fork bomb: fork fails at the process limit, the run scores 0, nothing survives', async () => {
    const r = await sandbox.run('import os\nwhile True:\n    os.fork()\n', { timeoutMs: 1234 });
    expect(r.passed).toBe(false);
    expect(r.reason).toMatch(/BlockingIOError|Resource temporarily unavailable/);
    expect(r.durationMs).toBeLessThan(1234 + 1500 + 1000);
    await new Promise((done) => setTimeout(done, 200));
    expect(liveProcessesWith('\u00001.234\u0000')).toEqual([]);
  });

  it('counts processes per sandbox, so a running fork bomb does not starve a neighbour', async () => {
    const bomb = sandbox.run(
      'import os, time, signal\nsignal.signal(signal.SIGALRM, signal.SIG_IGN)\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        time.sleep(0.01)\n',
    );
    await new Promise((done) => setTimeout(done, 400));
    const neighbour = await sandbox.run(
      'import os\npids = []\nfor _ in range(8):\n    pid = os.fork()\n    if pid == 0:\n        os._exit(0)\n    pids.append(pid)\nfor p in pids:\n    os.waitpid(p, 0)\n',
    );
    expect(neighbour.passed).toBe(true);
    expect(await bomb).toMatchObject({ passed: false, timedOut: true });
  });

  it('stops an infinite loop at the program deadline', async () => {
    const r = await sandbox.run('while True:\n    pass\n');
    expect(r).toMatchObject({ passed: false, reason: 'timed out after 1 s', timedOut: true });
  });

  it('kills a loop that ignores the deadline signal with the wall-clock timeout (whole process group)', async () => {
    const program = 'import signal\nsignal.signal(signal.SIGALRM, signal.SIG_IGN)\nwhile True:\n    pass\n';
    const r = await sandbox.run(program, { timeoutMs: 777 });
    expect(r).toMatchObject({ passed: false, timedOut: true, signal: 'SIGKILL' });
    expect(r.reason).toMatch(/^timed out: killed after 2277 ms wall clock/);
    expect(r.durationMs).toBeLessThan(2277 + 1000);
    await new Promise((done) => setTimeout(done, 200));
    expect(liveProcessesWith('\u00000.777\u0000')).toEqual([]);
  });

  it('stops a CPU hog at RLIMIT_CPU', async () => {
    const cpuBound = new BubblewrapSandbox({
      limits: { timeoutMs: 10_000, killGraceMs: 5000, cpuSeconds: 1 },
    });
    const program = 'import signal\nsignal.signal(signal.SIGALRM, signal.SIG_IGN)\nwhile True:\n    pass\n';
    const r = await cpuBound.run(program);
    expect(r).toMatchObject({ passed: false, timedOut: false, signal: 'SIGXCPU' });
    expect(r.reason).toBe('CPU time limit exceeded (SIGXCPU)');
  });

  it('refuses one 8 GB allocation with MemoryError (default 1 GiB address space)', async () => {
    const r = await sandbox.run('x = bytearray(8 * 1024 ** 3)\n');
    expect(r).toMatchObject({ passed: false, reason: 'MemoryError: address-space limit reached' });
  });

  it('refuses allocations that grow past the address-space limit', async () => {
    const small = new BubblewrapSandbox({ limits: { timeoutMs: 3000, addressSpaceBytes: 256 * 1024 ** 2 } });
    const r = await small.run('chunks = []\nwhile True:\n    chunks.append(bytearray(16 * 1024 ** 2))\n');
    expect(r).toMatchObject({ passed: false, reason: 'MemoryError: address-space limit reached' });
  });

  describe('network', () => {
    let server: Server;
    let port = 0;
    let connections = 0;
    beforeAll(async () => {
      server = createServer((socket) => {
        connections += 1;
        socket.destroy();
      });
      await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
      const address = server.address();
      port = typeof address === 'object' && address ? address.port : 0;
    });
    afterAll(async () => {
      await new Promise<void>((done) => server.close(() => done()));
    });

    it('cannot reach the internet', async () => {
      const r = await sandbox.run('import socket\nsocket.create_connection(("1.1.1.1", 80), timeout=2)\n');
      expect(r.passed).toBe(false);
      expect(r.reason).toMatch(/Network is unreachable|OSError/);
    });

    it('cannot resolve names', async () => {
      const r = await sandbox.run('import socket\nsocket.getaddrinfo("example.com", 80)\n');
      expect(r.passed).toBe(false);
      expect(r.reason).toMatch(/gaierror|OSError/);
    });

    it('cannot reach a server on the host loopback', async () => {
      expect(port).toBeGreaterThan(0);
      const r = await sandbox.run(
        `import socket\ns = socket.create_connection(("127.0.0.1", ${port}), timeout=2)\ns.sendall(b"hi")\n`,
      );
      expect(r.passed).toBe(false);
      expect(r.reason).toMatch(/ConnectionRefusedError/);
      // Give a connection that did get through time to arrive before checking.
      await new Promise((done) => setTimeout(done, 100));
      expect(connections).toBe(0);
    });
  });

  describe('file system', () => {
    const name = `escape-${randomBytes(6).toString('hex')}`;
    const hostTmp = `/tmp/${name}`;
    const hostRepo = resolve(REPO_ROOT, name);
    afterAll(() => {
      rmSync(hostTmp, { force: true });
      rmSync(hostRepo, { force: true });
    });

    it.each([
      ['/tmp', hostTmp],
      ['the repository', hostRepo],
      ['/usr', `/usr/${name}`],
    ])('cannot write into %s', async (_label, target) => {
      const r = await sandbox.run(`open(${JSON.stringify(target)}, "w").write("escaped")\n`);
      expect(r.passed).toBe(false);
      expect(r.reason).toMatch(/FileNotFoundError|Read-only file system|PermissionError/);
      expect(existsSync(target)).toBe(false);
    });

    it('can write its private scratch dir, which never reaches the host', async () => {
      const r = await sandbox.run(
        `import os\nopen(${JSON.stringify(name)}, "w").write("ok")\nassert os.getcwd() == "/scratch"\nassert open(${JSON.stringify(name)}).read() == "ok"\n`,
      );
      expect(r.passed).toBe(true);
      expect(existsSync(hostTmp)).toBe(false);
    });

    it('stops a huge file at RLIMIT_FSIZE', async () => {
      const r = await sandbox.run('with open("big", "wb") as f:\n    f.write(b"x" * (64 * 1024 ** 2))\n');
      expect(r.passed).toBe(false);
      expect(r.reason).toMatch(/File too large|No space left/);
    });
  });

  it('runs as an unprivileged user that cannot raise its limits', async () => {
    const r = await sandbox.run(
      'import os, resource\nassert os.getuid() == 65534\nresource.setrlimit(resource.RLIMIT_NPROC, (10000, 10000))\n',
    );
    expect(r.passed).toBe(false);
    expect(r.reason).toMatch(/ValueError: not allowed to raise maximum limit/);
  });

  it.each([
    [
      'os._exit(0)',
      'import os\nos._exit(0)\nassert False\n',
      'program exited with status 0 before its tests finished',
    ],
    [
      'sys.exit(0)',
      'import sys\nsys.exit(0)\nassert False\n',
      'program called exit(0) before its tests finished',
    ],
  ])('does not count %s before the asserts as a pass', async (_label, program, reason) => {
    const r = await sandbox.run(program);
    expect(r).toMatchObject({ passed: false, reason });
  });

  it('ignores a forged verdict line', async () => {
    const r = await sandbox.run('import os\nos.write(5, b"deadbeef PASS\\n")\nos._exit(0)\n');
    expect(r.passed).toBe(false);
  });

  it('limits how many sandboxes run at once', async () => {
    const serial = new BubblewrapSandbox({ maxConcurrent: 1, limits: { timeoutMs: 2000 } });
    const started = Date.now();
    const runs = await Promise.all([1, 2, 3].map(() => serial.run('import time\ntime.sleep(0.3)\n')));
    expect(runs.every((r) => r.passed)).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });

  it('self-tests with probe()', async () => {
    await expect(sandbox.probe()).resolves.toBeUndefined();
  });

  it('names the package to install when bwrap is missing', () => {
    let caught: unknown;
    try {
      new BubblewrapSandbox({ bwrapPath: '/nonexistent/bwrap' });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(DomainError);
    expect((caught as DomainError).code).toBe(ErrorCode.FailedPrecondition);
    expect((caught as DomainError).message).toMatch(/install the Debian package "bubblewrap"/);
  });

  it('throws instead of scoring 0 when the sandbox itself cannot start', async () => {
    const broken = new BubblewrapSandbox({ pythonPath: '/nonexistent/bin/python3' });
    await expect(broken.run('pass\n')).rejects.toMatchObject({ code: ErrorCode.Unavailable });
  });
});
