import { resolve } from 'node:path';
import {
  credentials,
  loadPackageDefinition,
  type Client,
  type ServiceClientConstructor,
} from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { protoPath as healthProtoPath } from 'grpc-health-check';
import '@fusion/contracts/grpc';
import { PROTO_LOADER_OPTIONS, PROTO_ROOT } from './grpc-server';

/** A raw grpc-js client for a fully qualified service name (e.g. `fusion.routing.v1.RoutingService`). */
export function createGrpcClient<T extends Client = Client>(
  address: string,
  protoFile: string,
  serviceName: string,
  options: Record<string, unknown> = {},
): T {
  const file = protoFile === 'grpc/health/v1/health.proto' ? healthProtoPath : resolve(PROTO_ROOT, protoFile);
  const def = loadSync(file, PROTO_LOADER_OPTIONS);
  const root = loadPackageDefinition(def) as unknown as Record<string, unknown>;
  let node: unknown = root;
  for (const part of serviceName.split('.')) node = (node as Record<string, unknown>)[part];
  if (typeof node !== 'function') throw new Error(`service ${serviceName} not found in ${protoFile}`);
  const Ctor = node as ServiceClientConstructor;
  return new Ctor(address, credentials.createInsecure(), {
    'grpc.max_receive_message_length': 64 * 1024 * 1024,
    'grpc.max_send_message_length': 64 * 1024 * 1024,
    ...options,
  }) as unknown as T;
}

/** Promise wrapper of a unary grpc-js call. */
export function unary<Req, Res>(
  client: Client,
  method: string,
  request: Req,
  deadlineMs = 30_000,
): Promise<Res> {
  return new Promise((resolvePromise, reject) => {
    const fn = (client as unknown as Record<string, (...args: unknown[]) => unknown>)[method];
    if (typeof fn !== 'function') {
      reject(new Error(`no method ${method} on client`));
      return;
    }
    fn.call(client, request, { deadline: Date.now() + deadlineMs }, (err: Error | null, res: Res) =>
      err ? reject(err) : resolvePromise(res),
    );
  });
}

/** Calls grpc.health.v1.Health/Check; resolves to the status name. */
export async function grpcHealthCheck(address: string, service = '', deadlineMs = 5000): Promise<string> {
  const client = createGrpcClient(address, 'grpc/health/v1/health.proto', 'grpc.health.v1.Health');
  try {
    const res = await unary<{ service: string }, { status: string | number }>(
      client,
      'Check',
      { service },
      deadlineMs,
    );
    return typeof res.status === 'number'
      ? (['UNKNOWN', 'SERVING', 'NOT_SERVING', 'SERVICE_UNKNOWN'][res.status] ?? String(res.status))
      : res.status;
  } finally {
    client.close();
  }
}

/** Client-streaming call: writes every request (awaiting back-pressure), resolves to the single response. */
export function clientStream<Req, Res>(
  client: Client,
  method: string,
  requests: Iterable<Req> | AsyncIterable<Req>,
  deadlineMs = 120_000,
): Promise<Res> {
  return new Promise((resolvePromise, reject) => {
    const fn = (client as unknown as Record<string, (...args: unknown[]) => NodeJS.WritableStream>)[method];
    if (typeof fn !== 'function') {
      reject(new Error(`no method ${method} on client`));
      return;
    }
    const call = fn.call(client, { deadline: Date.now() + deadlineMs }, (err: Error | null, res: Res) =>
      err ? reject(err) : resolvePromise(res),
    ) as NodeJS.WritableStream & { end(): void; on(ev: string, f: (...a: unknown[]) => void): unknown };
    call.on('error', () => undefined); // the callback reports it
    void (async () => {
      try {
        for await (const req of requests as AsyncIterable<Req>) {
          if (!call.write(req as unknown as string)) await new Promise((r) => call.once('drain', r));
        }
      } finally {
        call.end();
      }
    })();
  });
}

/** Server-streaming call collected into an array. */
export function serverStream<Req, Res>(
  client: Client,
  method: string,
  request: Req,
  deadlineMs = 600_000,
): Promise<Res[]> {
  return new Promise((resolvePromise, reject) => {
    const fn = (client as unknown as Record<string, (...args: unknown[]) => NodeJS.ReadableStream>)[method];
    if (typeof fn !== 'function') {
      reject(new Error(`no method ${method} on client`));
      return;
    }
    const out: Res[] = [];
    const call = fn.call(client, request, { deadline: Date.now() + deadlineMs });
    call.on('data', (d: Res) => out.push(d));
    call.on('error', reject);
    call.on('end', () => resolvePromise(out));
  });
}
