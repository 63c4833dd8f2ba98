import type { Client } from '@grpc/grpc-js';
import { resolve } from 'node:path';
import { embeddedStoreDir, type GlobalOptions } from '../cli-context';
import { CliError, ExitCode, toCliError } from '../cli-error';

/** The services the CLI calls, by short name: proto file (under proto/) and fully qualified service. */
export const SERVICES = {
  ingestion: ['fusion/ingestion/v1/ingestion.proto', 'fusion.ingestion.v1.IngestionService'],
  routing: ['fusion/routing/v1/routing.proto', 'fusion.routing.v1.RoutingService'],
  thought: ['fusion/thought/v1/thought.proto', 'fusion.thought.v1.ThoughtService'],
  distillation: ['fusion/distillation/v1/distillation.proto', 'fusion.distillation.v1.DistillationService'],
  evaluation: ['fusion/evaluation/v1/evaluation.proto', 'fusion.evaluation.v1.EvaluationService'],
} as const;
export type ServiceName = keyof typeof SERVICES;

/** Where a local `npm start` listens by default; probed before starting an embedded deployment. */
export const DEFAULT_LOCAL_ADDRESS = 'localhost:50051';

const DEFAULT_DEADLINE_MS = 30_000;

/** A connection to FusionFactory: a remote address, or the embedded deployment this process started. */
export interface FusionSession {
  readonly address: string;
  readonly embedded: boolean;
  /** A unary call; errors come back as CliErrors naming the RPC and the address. */
  unary<Req extends object, Res>(
    service: ServiceName,
    method: string,
    request: Req,
    deadlineMs?: number,
  ): Promise<Res>;
  /** A client-streaming call: writes every message, resolves with the one response. */
  clientStream<Req extends object, Res>(
    service: ServiceName,
    method: string,
    messages: readonly Req[],
    deadlineMs?: number,
  ): Promise<Res>;
  /** A server-streaming call: every message goes to `onMessage`; resolves when the stream ends. */
  serverStream<Req extends object, Res>(
    service: ServiceName,
    method: string,
    request: Req,
    onMessage: (message: Res) => void,
    deadlineMs?: number,
  ): Promise<void>;
  close(): Promise<void>;
}

/** The embedded deployment's contract (apps/fusion/src/embedded.ts), as far as the CLI uses it. */
export interface EmbeddedStartOptions {
  dataDir?: string;
  grpcPort?: number;
  httpPort?: number;
  host?: string;
  seed?: { kind: 'demo' } | { kind: 'path'; path: string; format?: string } | { kind: 'none' };
  runPipeline?: boolean;
  progress?: (event: { phase: string; done: number; total: number; message?: string }) => void;
  logLevel?: string;
}
export interface EmbeddedHandleLike {
  grpcAddress: string;
  httpUrl: string;
  summary: unknown;
  close(): Promise<void>;
}
export type StartEmbedded = (opts: EmbeddedStartOptions) => Promise<EmbeddedHandleLike>;

/**
 * Loads `startEmbedded` at run time: the embedded deployment pulls in every service, so only commands that need
 * it pay for loading it (and the CLI's --help stays fast).
 */
export function loadStartEmbedded(): StartEmbedded {
  // A path, not an import: apps do not import apps, the CLI only calls the embedded deployment's entry point.
  const modulePath = resolve(__dirname, '../../../fusion/src/embedded');
  const mod = require(modulePath) as { startEmbedded?: StartEmbedded };
  if (typeof mod.startEmbedded !== 'function')
    throw new CliError(
      'the embedded deployment has no startEmbedded export: reinstall FusionFactory',
      ExitCode.Failure,
    );
  return mod.startEmbedded;
}

class GrpcSession implements FusionSession {
  private readonly clients = new Map<ServiceName, Client>();

  constructor(
    readonly address: string,
    readonly embedded: boolean,
    private readonly handle: EmbeddedHandleLike | null,
  ) {}

  private async client(service: ServiceName): Promise<Client> {
    let c = this.clients.get(service);
    if (!c) {
      const { createGrpcClient } = await import('@fusion/shared/transport');
      const [file, name] = SERVICES[service];
      c = createGrpcClient(this.address, file, name);
      this.clients.set(service, c);
    }
    return c;
  }

  private method(client: Client, method: string): (...args: unknown[]) => unknown {
    const fn = (client as unknown as Record<string, unknown>)[method];
    if (typeof fn !== 'function')
      throw new CliError(`internal: no RPC ${method} in the client`, ExitCode.Failure);
    return (fn as (...args: unknown[]) => unknown).bind(client);
  }

  private fail(err: unknown, service: ServiceName, method: string): CliError {
    return toCliError(err, {
      address: this.address,
      rpc: `${SERVICES[service][1].split('.').pop()}.${method}`,
    });
  }

  async unary<Req extends object, Res>(
    service: ServiceName,
    method: string,
    request: Req,
    deadlineMs = DEFAULT_DEADLINE_MS,
  ): Promise<Res> {
    const call = this.method(await this.client(service), method);
    try {
      return await new Promise<Res>((resolvePromise, reject) => {
        call(request, { deadline: Date.now() + deadlineMs }, (err: Error | null, res: Res) =>
          err ? reject(err) : resolvePromise(res),
        );
      });
    } catch (err) {
      throw this.fail(err, service, method);
    }
  }

  async clientStream<Req extends object, Res>(
    service: ServiceName,
    method: string,
    messages: readonly Req[],
    deadlineMs = DEFAULT_DEADLINE_MS,
  ): Promise<Res> {
    const call = this.method(await this.client(service), method);
    try {
      return await new Promise<Res>((resolvePromise, reject) => {
        const stream = call({ deadline: Date.now() + deadlineMs }, (err: Error | null, res: Res) =>
          err ? reject(err) : resolvePromise(res),
        ) as { write(m: Req): boolean; end(): void; on(event: string, fn: (e: Error) => void): void };
        stream.on('error', reject);
        for (const m of messages) stream.write(m);
        stream.end();
      });
    } catch (err) {
      throw this.fail(err, service, method);
    }
  }

  async serverStream<Req extends object, Res>(
    service: ServiceName,
    method: string,
    request: Req,
    onMessage: (message: Res) => void,
    deadlineMs = DEFAULT_DEADLINE_MS,
  ): Promise<void> {
    const call = this.method(await this.client(service), method);
    try {
      await new Promise<void>((resolvePromise, reject) => {
        const stream = call(request, { deadline: Date.now() + deadlineMs }) as {
          on(event: 'data', fn: (m: Res) => void): void;
          on(event: 'error', fn: (e: Error) => void): void;
          on(event: 'end', fn: () => void): void;
        };
        stream.on('data', (m) => {
          try {
            onMessage(m);
          } catch (err) {
            reject(err as Error);
          }
        });
        stream.on('error', reject);
        stream.on('end', () => resolvePromise());
      });
    } catch (err) {
      throw this.fail(err, service, method);
    }
  }

  async close(): Promise<void> {
    for (const c of this.clients.values()) c.close();
    this.clients.clear();
    if (this.handle) await this.handle.close();
  }
}

/** Whether a FusionFactory answers health checks at `address` (short deadline; never throws). */
export async function isServing(address: string, deadlineMs = 800): Promise<boolean> {
  const { grpcHealthCheck } = await import('@fusion/shared/transport');
  return grpcHealthCheck(address, '', deadlineMs)
    .then((s) => s === 'SERVING')
    .catch(() => false);
}

export interface OpenSessionOptions {
  /** Called with the embedded deployment's progress (when it is started). */
  progress?: EmbeddedStartOptions['progress'];
  /** For tests: what starts the embedded deployment. */
  startEmbedded?: StartEmbedded;
  /** Probe DEFAULT_LOCAL_ADDRESS before starting an embedded deployment (default true). */
  probeLocal?: boolean;
  note?: (text: string) => void;
}

/**
 * Opens a session: to --address when given; else to a FusionFactory already serving on localhost:50051 (a running
 * `npm start`); else it starts the embedded deployment in-process on free loopback ports (store in --data-dir) and
 * talks to it over gRPC like any client.
 */
export async function openSession(
  globals: GlobalOptions,
  options: OpenSessionOptions = {},
): Promise<FusionSession> {
  if (globals.address) return new GrpcSession(globals.address, false, null);
  if ((options.probeLocal ?? true) && (await isServing(DEFAULT_LOCAL_ADDRESS))) {
    options.note?.(`using the FusionFactory serving at ${DEFAULT_LOCAL_ADDRESS}`);
    return new GrpcSession(DEFAULT_LOCAL_ADDRESS, false, null);
  }
  const start = options.startEmbedded ?? loadStartEmbedded();
  const { freePort } = await import('@fusion/shared/transport');
  const storeDir = embeddedStoreDir(globals.dataDir);
  let handle: EmbeddedHandleLike;
  try {
    handle = await start({
      ...(storeDir ? { dataDir: storeDir } : {}),
      host: '127.0.0.1',
      grpcPort: await freePort(),
      httpPort: await freePort(),
      seed: { kind: 'none' },
      runPipeline: false,
      logLevel: globals.verbose ? 'info' : 'warn',
      ...(options.progress ? { progress: options.progress } : {}),
    });
  } catch (err) {
    throw toCliError(err);
  }
  options.note?.(
    `no --address: started the embedded deployment at ${handle.grpcAddress} (${storeDir ? `data in ${storeDir}` : 'in memory'})`,
  );
  return new GrpcSession(handle.grpcAddress, true, handle);
}

/** Runs `fn` with a session and always closes it. */
export async function withSession<T>(
  globals: GlobalOptions,
  fn: (session: FusionSession) => Promise<T>,
  options: OpenSessionOptions = {},
): Promise<T> {
  const session = await openSession(globals, options);
  try {
    return await fn(session);
  } finally {
    await session.close().catch(() => undefined);
  }
}
