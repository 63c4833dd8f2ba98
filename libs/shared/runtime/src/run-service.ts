import { z } from 'zod';
import {
  ConfigError,
  baseConfigShape,
  checkModeRequirements,
  loadConfig,
  servicePorts,
} from '@fusion/shared/config';
import { createLogger, stopTelemetry } from '@fusion/shared/telemetry';
import { bootstrapService, type ContextModuleSpec, type RunningService } from './bootstrap';

/** How long a graceful shutdown may take before the process exits anyway. */
const SHUTDOWN_GRACE_MS = Number(process.env['FUSION_SHUTDOWN_GRACE_MS'] ?? 20_000);

export interface ServiceEntry<S extends z.ZodRawShape> {
  /** `ingestion`, ... ; the process is `fusion-<service>`. */
  service: string;
  grpcPort: number;
  httpPort: number;
  /** The app's own variables, validated with the shared ones. */
  shape: S;
  contexts: (
    cfg: z.infer<z.ZodObject<typeof baseConfigShape & ReturnType<typeof servicePorts> & S>>,
  ) => ContextModuleSpec[];
}

/**
 * The composition root of a distributed service: validate the environment (failing fast with the variable named),
 * boot, print where it listens, and shut down cleanly on SIGINT/SIGTERM.
 */
export async function runServiceFromEnv<S extends z.ZodRawShape>(
  entry: ServiceEntry<S>,
): Promise<RunningService> {
  const schema = z.object({
    ...baseConfigShape,
    ...servicePorts(entry.grpcPort, entry.httpPort),
    ...entry.shape,
  });
  const serviceName = `fusion-${entry.service}`;
  let cfg: z.infer<typeof schema>;
  try {
    cfg = loadConfig(schema);
    checkModeRequirements(cfg as { FUSION_MODE: string; DATABASE_URL?: string; KAFKA_BROKERS?: string[] });
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${serviceName}: ${err.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw err;
  }
  const base = cfg as unknown as {
    FUSION_MODE: 'embedded' | 'distributed';
    DATABASE_URL?: string;
    FUSION_DATA_DIR?: string;
    KAFKA_BROKERS?: string[];
    KAFKA_NAMESPACE?: string;
    GRPC_HOST: string;
    GRPC_PORT: number;
    HTTP_HOST: string;
    HTTP_PORT: number;
    LOG_LEVEL: string;
  };
  const logger = createLogger(serviceName, base.LOG_LEVEL);
  try {
    const running = await bootstrapService({
      serviceName,
      mode: base.FUSION_MODE,
      contexts: entry.contexts(cfg as never),
      database: base.DATABASE_URL
        ? { kind: 'postgres', url: base.DATABASE_URL }
        : { kind: 'pglite', ...(base.FUSION_DATA_DIR ? { dataDir: base.FUSION_DATA_DIR } : {}) },
      ...(base.KAFKA_BROKERS ? { kafkaBrokers: base.KAFKA_BROKERS } : {}),
      ...(base.KAFKA_NAMESPACE ? { kafkaNamespace: base.KAFKA_NAMESPACE } : {}),
      grpcHost: base.GRPC_HOST,
      grpcPort: base.GRPC_PORT,
      httpHost: base.HTTP_HOST,
      httpPort: base.HTTP_PORT,
      logger,
    });
    logger.info(
      { grpc: running.grpcAddress, http: running.httpUrl, mode: base.FUSION_MODE },
      `${serviceName} serving gRPC on ${running.grpcAddress} and HTTP on ${running.httpUrl}`,
    );
    const shutdown = (signal: string): void => {
      logger.info({ signal }, `${serviceName} shutting down`);
      // A broker or database that stopped answering must not keep the process alive: exit 1 after the grace period.
      const grace = setTimeout(() => {
        logger.error(
          { signal, graceMs: SHUTDOWN_GRACE_MS },
          `${serviceName} did not shut down in time; exiting`,
        );
        process.exit(1);
      }, SHUTDOWN_GRACE_MS);
      grace.unref();
      void running
        .close()
        .then(() => stopTelemetry())
        .then(
          () => process.exit(0),
          (err: unknown) => {
            logger.error({ err }, `${serviceName} shutdown failed`);
            process.exit(1);
          },
        );
    };
    process.once('SIGINT', () => shutdown('SIGINT'));
    process.once('SIGTERM', () => shutdown('SIGTERM'));
    return running;
  } catch (err) {
    logger.fatal({ err }, `${serviceName} failed to start: ${(err as Error).message}`);
    process.stderr.write(`${serviceName} failed to start: ${(err as Error).message}\n`);
    process.exit(1);
  }
}
