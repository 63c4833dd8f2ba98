import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { freePort, grpcHealthCheck } from '@fusion/shared/transport';

const REPO_ROOT = resolve(__dirname, '../..');

/**
 * A Kafka namespace of its own for one test file or bench run (KAFKA_NAMESPACE): topics and consumer groups are
 * prefixed with it, so runs sharing the test broker never see each other's messages or split partitions.
 */
export function kafkaNamespace(name: string): string {
  return `t-${name}-${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
}

export interface ServiceProcess {
  name: string;
  grpcAddress: string;
  httpUrl: string;
  logFile: string;
  child: ChildProcess;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves with the exit code. */
  stop(graceMs?: number): Promise<number | null>;
}

/**
 * Starts one app (`apps/<name>/src/main.ts`) as its own process, like a deployment would, on free ports, and waits
 * until its gRPC health check answers SERVING. Output goes to tmp/e2e-logs/<name>-<port>.log for debugging.
 */
export async function startServiceProcess(
  name: string,
  env: Record<string, string>,
  opts: { timeoutMs?: number } = {},
): Promise<ServiceProcess> {
  const grpcPort = await freePort();
  const httpPort = await freePort();
  const logDir = join(REPO_ROOT, 'tmp', 'e2e-logs');
  mkdirSync(logDir, { recursive: true });
  const logFile = join(logDir, `${name}-${grpcPort}.log`);
  const log = createWriteStream(logFile);
  // FUSION_NODE_ARGS (in `env`): extra node flags, e.g. `--cpu-prof --cpu-prof-dir=tmp/prof` for profiling.
  const nodeArgs = (env['FUSION_NODE_ARGS'] ?? '').split(' ').filter(Boolean);
  const child = spawn(
    process.execPath,
    [...nodeArgs, '-r', '@swc-node/register', `apps/${name}/src/main.ts`],
    {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        GRPC_HOST: '127.0.0.1',
        HTTP_HOST: '127.0.0.1',
        GRPC_PORT: String(grpcPort),
        HTTP_PORT: String(httpPort),
        LOG_LEVEL: process.env['E2E_LOG_LEVEL'] ?? 'info',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  let exited: number | null | undefined;
  const exitPromise = new Promise<number | null>((r) => child.once('exit', (code) => r((exited = code))));
  const grpcAddress = `127.0.0.1:${grpcPort}`;
  const deadline = Date.now() + (opts.timeoutMs ?? 120_000);
  for (;;) {
    if (exited !== undefined)
      throw new Error(`${name} exited with code ${exited} before serving; see ${logFile}`);
    try {
      if ((await grpcHealthCheck(grpcAddress, '', 2000)) === 'SERVING') break;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${name} did not become healthy in time; see ${logFile}`);
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  return {
    name,
    grpcAddress,
    httpUrl: `http://127.0.0.1:${httpPort}`,
    logFile,
    child,
    stop: async (graceMs = 15_000) => {
      if (exited !== undefined) return exited;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const code = await exitPromise;
      clearTimeout(timer);
      return code;
    },
  };
}
