import { bootstrapService, type ContextModuleSpec, type RunningService } from '@fusion/shared/runtime';
import type { DatabaseTarget } from '@fusion/shared/event-store';
import type { MessageBus } from '@fusion/shared/messaging';
import { createLogger } from '@fusion/shared/telemetry';
import { freePort } from '@fusion/shared/transport';

export interface TestServiceOptions {
  serviceName?: string;
  database?: DatabaseTarget;
  kafkaBrokers?: string[];
  bus?: MessageBus;
  mode?: 'embedded' | 'distributed';
  bodyLimitBytes?: number;
  grpcMaxMessageBytes?: number;
  logLevel?: string;
}

/** Boots contexts on free loopback ports (PGlite + in-process bus unless told otherwise), logs silenced. */
export async function startTestService(
  contexts: ContextModuleSpec[],
  opts: TestServiceOptions = {},
): Promise<RunningService> {
  const name = opts.serviceName ?? 'fusion-test';
  return bootstrapService({
    serviceName: name,
    mode: opts.mode ?? 'embedded',
    contexts,
    database: opts.database ?? { kind: 'pglite' },
    ...(opts.kafkaBrokers ? { kafkaBrokers: opts.kafkaBrokers } : {}),
    ...(opts.bus ? { bus: opts.bus } : {}),
    grpcHost: '127.0.0.1',
    grpcPort: await freePort(),
    httpHost: '127.0.0.1',
    httpPort: await freePort(),
    logger: createLogger(name, opts.logLevel ?? process.env['TEST_LOG_LEVEL'] ?? 'silent'),
    ...(opts.bodyLimitBytes ? { bodyLimitBytes: opts.bodyLimitBytes } : {}),
    ...(opts.grpcMaxMessageBytes ? { grpcMaxMessageBytes: opts.grpcMaxMessageBytes } : {}),
  });
}
