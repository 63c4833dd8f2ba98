import { z } from 'zod';

/** Start-up configuration error: names every bad variable and what was expected. */
export class ConfigError extends Error {
  constructor(readonly problems: { variable: string; problem: string }[]) {
    super(`invalid configuration: ${problems.map((p) => `${p.variable}: ${p.problem}`).join('; ')}`);
    this.name = 'ConfigError';
  }
}

/** Validates `env` against a zod object schema of environment variables; fails fast with every problem named. */
export function loadConfig<S extends z.ZodObject>(
  schema: S,
  env: NodeJS.ProcessEnv = process.env,
): z.infer<S> {
  const input: Record<string, string | undefined> = {};
  for (const key of Object.keys(schema.shape)) {
    const v = env[key];
    // An empty variable means "not set", so defaults apply.
    input[key] = v === undefined || v === '' ? undefined : v;
  }
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((i) => {
        const variable = String(i.path[0] ?? '(config)');
        const got = input[variable];
        return { variable, problem: `${i.message}${got !== undefined ? ` (got '${got}')` : ''}` };
      }),
    );
  }
  return parsed.data;
}

const port = (fallback: number) =>
  z.coerce
    .number({ message: 'expected a port number' })
    .int('expected an integer port')
    .min(0, 'expected a port in 0..65535')
    .max(65535, 'expected a port in 0..65535')
    .default(fallback);

const brokerList = z
  .string()
  .transform((s) =>
    s
      .split(',')
      .map((b) => b.trim())
      .filter(Boolean),
  )
  .refine((list) => list.length > 0 && list.every((b) => /^[^:\s]+:\d{1,5}$/.test(b)), {
    message: 'expected comma-separated host:port pairs',
  });

const postgresUrl = z
  .string()
  .refine((s) => /^postgres(ql)?:\/\//.test(s), { message: 'expected a postgres:// or postgresql:// URL' });

/** Variables every service reads. Defaults give the embedded mode, so `npm start` needs no environment. */
export const baseConfigShape = {
  FUSION_MODE: z
    .enum(['embedded', 'distributed'], { message: "expected 'embedded' or 'distributed'" })
    .default('embedded'),
  FUSION_TENANT: z.string().min(1).default('default'),
  GRPC_HOST: z.string().default('0.0.0.0'),
  HTTP_HOST: z.string().default('0.0.0.0'),
  DATABASE_URL: postgresUrl.optional(),
  /** PGlite data directory for the embedded mode; in memory when unset. */
  FUSION_DATA_DIR: z.string().optional(),
  KAFKA_BROKERS: brokerList.optional(),
  /** Prefix of this deployment's topics and consumer groups when several share one Kafka cluster. */
  KAFKA_NAMESPACE: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, 'expected letters, digits, dots, dashes or underscores')
    .optional(),
  OTEL_EXPORTER_OTLP_ENDPOINT: z.string().url('expected a URL such as http://jaeger:4318').optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
};

export function servicePorts(grpc: number, http: number) {
  return { GRPC_PORT: port(grpc), HTTP_PORT: port(http) };
}

export const baseConfigSchema = z.object({ ...baseConfigShape, ...servicePorts(50051, 8080) });
export type BaseConfig = z.infer<typeof baseConfigSchema>;

/** Distributed mode needs a real database and broker: checked here so the error names the variable. */
export function checkModeRequirements(cfg: {
  FUSION_MODE: string;
  DATABASE_URL?: string;
  KAFKA_BROKERS?: string[];
}): void {
  if (cfg.FUSION_MODE !== 'distributed') return;
  const problems: { variable: string; problem: string }[] = [];
  if (!cfg.DATABASE_URL)
    problems.push({ variable: 'DATABASE_URL', problem: 'required when FUSION_MODE=distributed' });
  if (!cfg.KAFKA_BROKERS)
    problems.push({ variable: 'KAFKA_BROKERS', problem: 'required when FUSION_MODE=distributed' });
  if (problems.length > 0) throw new ConfigError(problems);
}

export { z };
