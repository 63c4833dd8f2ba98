import { resolve } from 'node:path';
import { loadSync, type Options as ProtoLoaderOptions } from '@grpc/proto-loader';
import { ReflectionService } from '@grpc/reflection';
import { HealthImplementation, protoPath as healthProtoPath } from 'grpc-health-check';
import type { Server } from '@grpc/grpc-js';
import { Transport, type GrpcOptions } from '@nestjs/microservices';
// Registers the google.protobuf.Struct <-> plain object wrapper with protobufjs (used by proto-loader).
import '@fusion/contracts/grpc';

/** Root of the .proto tree (contracts first: the services are generated from it). */
export const PROTO_ROOT = resolve(__dirname, '../../../../proto');

/** One gRPC package a module serves. */
export interface GrpcPackageSpec {
  package: string;
  /** Path relative to PROTO_ROOT. */
  protoFile: string;
  /** Fully qualified service names, for health checking. */
  services: string[];
}

/** proto-loader options shared by servers and clients: camelCase fields, numbers for int64 and enums. */
export const PROTO_LOADER_OPTIONS: ProtoLoaderOptions = {
  keepCase: false,
  longs: Number,
  defaults: true,
  oneofs: true,
  includeDirs: [PROTO_ROOT],
};

export interface GrpcServerSpec {
  host: string;
  port: number;
  packages: GrpcPackageSpec[];
  health: HealthImplementation;
  maxMessageBytes?: number;
}

/** Nest gRPC microservice options with health checking and server reflection on the same server. */
export function grpcMicroserviceOptions(spec: GrpcServerSpec): GrpcOptions {
  const protoFiles = spec.packages.map((p) => resolve(PROTO_ROOT, p.protoFile));
  return {
    transport: Transport.GRPC,
    options: {
      url: `${spec.host}:${spec.port}`,
      package: spec.packages.map((p) => p.package),
      protoPath: protoFiles,
      loader: PROTO_LOADER_OPTIONS,
      maxReceiveMessageLength: spec.maxMessageBytes ?? 16 * 1024 * 1024,
      maxSendMessageLength: 64 * 1024 * 1024,
      onLoadPackageDefinition: (_pkg: unknown, server: unknown) => {
        const grpcServer = server as Server;
        spec.health.addToServer(grpcServer);
        // Reflection covers our services and grpc.health.v1, so grpcurl works without proto files.
        const reflected = loadSync([...protoFiles, healthProtoPath], { ...PROTO_LOADER_OPTIONS });
        new ReflectionService(reflected).addToServer(grpcServer);
      },
    },
  };
}

/** Health statuses for the overall server ('') and each service; all NOT_SERVING until started. */
export function createHealth(packages: GrpcPackageSpec[]): HealthImplementation {
  const initial: Record<string, 'SERVING' | 'NOT_SERVING'> = { '': 'NOT_SERVING' };
  for (const p of packages) for (const s of p.services) initial[s] = 'NOT_SERVING';
  return new HealthImplementation(initial);
}

export function setHealth(health: HealthImplementation, packages: GrpcPackageSpec[], serving: boolean): void {
  const status = serving ? 'SERVING' : 'NOT_SERVING';
  health.setStatus('', status);
  for (const p of packages) for (const s of p.services) health.setStatus(s, status);
}
