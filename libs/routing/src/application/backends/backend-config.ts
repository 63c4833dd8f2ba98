import { z } from 'zod';
import { DomainError, type FieldViolation } from '@fusion/shared/kernel';

/** USD per million tokens. */
export interface BackendPrices {
  inputPerMillionTokens: number;
  outputPerMillionTokens: number;
}

/**
 * One LLM backend as the backends file lists it (the shape the Helm chart mounts at FUSION_BACKENDS_FILE).
 * `name` is the LLM name the logs and routers use; think-mode candidates (`<name>:think`) call the same backend.
 */
export interface BackendEntry {
  name: string;
  /** OpenAI-compatible base URL (`/v1` optional). */
  endpoint: string;
  /** Model id the server expects in requests. */
  model: string;
  /** Environment variable holding the API key (sent as a bearer token). */
  apiKeyEnv?: string;
  prices: BackendPrices;
  descriptors: Record<string, unknown>;
  /** `vllm` (a local pool), `api`, or anything descriptive. */
  kind: string;
  timeoutMs?: number;
  description?: string;
}

const entrySchema = z
  .object({
    name: z.string().trim().min(1, 'must be a non-empty string'),
    endpoint: z.string().regex(/^https?:\/\/\S+$/i, 'must be an http(s) URL'),
    model: z.string().trim().min(1, 'must be a non-empty string'),
    apiKeyEnv: z.string().trim().min(1).optional(),
    prices: z
      .object({
        inputPerMillionTokens: z.number().min(0, 'must be >= 0'),
        outputPerMillionTokens: z.number().min(0, 'must be >= 0'),
      })
      .strict()
      .default({ inputPerMillionTokens: 0, outputPerMillionTokens: 0 }),
    descriptors: z.record(z.string(), z.unknown()).default({}),
    kind: z.string().trim().min(1).default('api'),
    timeoutMs: z.number().int('must be a whole number').positive('must be > 0').optional(),
    description: z.string().optional(),
  })
  .strict();

/**
 * Validates a parsed backends file: a list of entries, or `{ backends: [...] }`. Every problem is reported at once
 * as INVALID_ARGUMENT naming `<source>[i].<field>`; duplicate names are refused.
 */
export function parseBackendEntries(raw: unknown, source = 'backends'): BackendEntry[] {
  const list = Array.isArray(raw)
    ? raw
    : raw && typeof raw === 'object' && Array.isArray((raw as { backends?: unknown }).backends)
      ? (raw as { backends: unknown[] }).backends
      : undefined;
  if (list === undefined) {
    throw DomainError.invalidArgument(
      source,
      'must be a list of backends (or an object with a "backends" list)',
    );
  }
  const violations: FieldViolation[] = [];
  const entries: BackendEntry[] = [];
  const seen = new Map<string, number>();
  list.forEach((item, i) => {
    const parsed = entrySchema.safeParse(item);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const path = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('');
        violations.push({ field: `${source}[${i}]${path}`, reason: issue.message });
      }
      return;
    }
    const e = parsed.data;
    const first = seen.get(e.name);
    if (first !== undefined) {
      violations.push({
        field: `${source}[${i}].name`,
        reason: `'${e.name}' is already used by ${source}[${first}]`,
      });
      return;
    }
    seen.set(e.name, i);
    entries.push({
      name: e.name,
      endpoint: e.endpoint,
      model: e.model,
      prices: e.prices,
      descriptors: e.descriptors,
      kind: e.kind,
      ...(e.apiKeyEnv ? { apiKeyEnv: e.apiKeyEnv } : {}),
      ...(e.timeoutMs ? { timeoutMs: e.timeoutMs } : {}),
      ...(e.description !== undefined ? { description: e.description } : {}),
    });
  });
  if (violations.length > 0) throw DomainError.invalidArguments(violations);
  return entries;
}

/** Cost of a call from token counts and prices (USD per million tokens). */
export function costOf(prices: BackendPrices, inputTokens: number, outputTokens: number): number {
  return (
    (inputTokens * prices.inputPerMillionTokens + outputTokens * prices.outputPerMillionTokens) / 1_000_000
  );
}
