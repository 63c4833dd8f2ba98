import {
  PROMPT_MODES,
  TASK_DOMAINS,
  parseCandidate,
  type LogRecord,
  type PromptMode,
  type Split,
  type TaskDomain,
} from '@fusion/contracts';
import { systemClock, type Clock } from '@fusion/shared/kernel';
import { CANONICAL_FIELDS, CANONICAL_TO_RECORD_KEY, type CanonicalField } from './canonical-format';
import { DEFAULT_INGESTION_LIMITS, utf8ByteLength } from './ingestion-limits';
import { costFromTokens, defaultPriceTable, type PriceTable } from './price-table';
import { deriveQueryId, deriveRecordId } from './query-identity';
import { RejectionReason, violation, type RecordViolation } from './rejection-reason';
import { UNKNOWN_TASK, defaultTaskCatalog, taskKey, type TaskCatalog } from './task-catalog';

/** How the validator fills defaults and which limits it applies. */
export interface LogRecordValidatorOptions {
  /** Source of `created_at` when a record has none. */
  clock?: Clock;
  /** The tenant of this import: records naming another tenant are rejected. */
  tenant?: string;
  /** Tenant for records without one when no `tenant` is forced (default `default`). */
  defaultTenant?: string;
  /** Largest text field in UTF-8 bytes (default 1 MiB). */
  maxFieldBytes?: number;
  prices?: PriceTable;
  catalog?: TaskCatalog;
  /**
   * Require performance or judge_score (default true: the canonical file formats are logs of scored answers).
   * Live transports set it to false: production traffic arrives unscored and is scored later (task metric when
   * ground truth and metric are given, the LLM judge when configured); routers train only on scored samples.
   */
  requireScore?: boolean;
}

/** A valid record, or every problem found in the input (never both). */
export type ValidationResult =
  | { ok: true; record: LogRecord }
  | {
      ok: false;
      /** The first violation's code: what the rejection is counted under. */
      reason: RejectionReason;
      violations: RecordViolation[];
      /** The LLM the input names, when it names one (for reports). */
      llm?: string;
    };

const DEFAULT_TENANT = 'default';
const MAX_ID_LENGTH = 256;
const TENANT_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Whether a string is well-formed UTF-16 (encodable as UTF-8): native where the runtime has it. */
function isWellFormed(text: string): boolean {
  const native = (text as { isWellFormed?: () => boolean }).isWellFormed;
  return typeof native === 'function' ? native.call(text) : !LONE_SURROGATE.test(text);
}
const ISO_DATE = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;
// Held-out splits go by several names (HF `partial_test`, `validation`); the platform has train and test.
const SPLIT_ALIASES: Readonly<Record<string, Split>> = {
  train: 'train',
  test: 'test',
  partial_test: 'test',
  validation: 'test',
  val: 'test',
  dev: 'test',
};

const RECORD_KEYS = new Set<string>([...CANONICAL_FIELDS, ...Object.values(CANONICAL_TO_RECORD_KEY)]);

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/**
 * Turns loose input (a canonical snake_case object, or camelCase `LogRecord` keys) into a `LogRecord`, or
 * into the list of every field violation. Pure apart from the clock; never throws on any input.
 */
export class LogRecordValidator {
  private readonly clock: Clock;
  private readonly forcedTenant: string | undefined;
  private readonly defaultTenant: string;
  private readonly maxFieldBytes: number;
  private readonly prices: PriceTable;
  private readonly catalog: TaskCatalog;
  private readonly requireScore: boolean;

  constructor(opts: LogRecordValidatorOptions = {}) {
    this.requireScore = opts.requireScore ?? true;
    this.clock = opts.clock ?? systemClock;
    this.forcedTenant = opts.tenant;
    this.defaultTenant = opts.tenant ?? opts.defaultTenant ?? DEFAULT_TENANT;
    this.maxFieldBytes = opts.maxFieldBytes ?? DEFAULT_INGESTION_LIMITS.maxFieldBytes;
    this.prices = opts.prices ?? defaultPriceTable;
    this.catalog = opts.catalog ?? defaultTaskCatalog;
  }

  validate(input: unknown): ValidationResult {
    try {
      return this.validateObject(input);
    } catch (err) {
      // Defensive: a getter or proxy in caller-built input must not crash an import.
      const message = err instanceof Error ? err.message : String(err);
      return {
        ok: false,
        reason: RejectionReason.InvalidValue,
        violations: [violation('(record)', RejectionReason.InvalidValue, `could not be read: ${message}`)],
      };
    }
  }

  private validateObject(input: unknown): ValidationResult {
    if (!isPlainObject(input)) {
      const v = violation(
        '(record)',
        RejectionReason.InvalidType,
        `must be a JSON object, got ${describe(input)}`,
      );
      return { ok: false, reason: v.code, violations: [v] };
    }
    const violations: RecordViolation[] = [];
    const fail = (field: string, code: RejectionReason, reason: string): void => {
      violations.push(violation(field, code, reason));
    };

    const seen = new Map<CanonicalField, unknown>();
    const read = (field: CanonicalField): unknown => {
      if (seen.has(field)) return seen.get(field);
      const camel = CANONICAL_TO_RECORD_KEY[field];
      const hasSnake = Object.prototype.hasOwnProperty.call(input, field);
      const hasCamel = camel !== field && Object.prototype.hasOwnProperty.call(input, camel);
      if (hasSnake && hasCamel && input[field] !== input[camel]) {
        fail(
          field,
          RejectionReason.InvalidValue,
          `given twice, as ${field} and ${camel}, with different values`,
        );
      }
      const value = hasSnake ? input[field] : hasCamel ? input[camel] : undefined;
      seen.set(field, value);
      return value;
    };

    const text = (
      field: CanonicalField,
      value: unknown,
      opts: { maxBytes?: number } = {},
    ): string | undefined => {
      if (value === undefined || value === null) return undefined;
      if (typeof value !== 'string') {
        fail(field, RejectionReason.InvalidType, `must be a string, got ${describe(value)}`);
        return undefined;
      }
      const max = opts.maxBytes ?? this.maxFieldBytes;
      if (value.length > max || (value.length * 3 > max && utf8ByteLength(value) > max)) {
        fail(
          field,
          RejectionReason.FieldTooLarge,
          `is ${utf8ByteLength(value)} bytes, over the limit of ${max}`,
        );
        return undefined;
      }
      if (!isWellFormed(value)) {
        fail(field, RejectionReason.InvalidUtf8, 'contains an unpaired surrogate (not valid UTF-8 text)');
        return undefined;
      }
      return value;
    };

    const id = (field: CanonicalField): string | undefined => {
      const v = text(field, read(field), { maxBytes: MAX_ID_LENGTH });
      if (v === undefined) return undefined;
      if (v.trim() === '') {
        fail(field, RejectionReason.InvalidValue, 'must not be empty when given');
        return undefined;
      }
      return v;
    };

    const number = (
      field: CanonicalField,
      opts: { min?: number; max?: number; integer?: boolean; belowMin?: RejectionReason },
    ): number | null => {
      const value = read(field);
      if (value === undefined || value === null) return null;
      if (typeof value !== 'number') {
        fail(field, RejectionReason.InvalidType, `must be a number, got ${describe(value)}`);
        return null;
      }
      if (!Number.isFinite(value)) {
        fail(field, RejectionReason.InvalidType, `must be a finite number, got ${value}`);
        return null;
      }
      if (opts.min !== undefined && value < opts.min) {
        fail(field, opts.belowMin ?? RejectionReason.OutOfRange, `must be >= ${opts.min}, got ${value}`);
        return null;
      }
      if (opts.max !== undefined && value > opts.max) {
        fail(field, RejectionReason.OutOfRange, `must be <= ${opts.max}, got ${value}`);
        return null;
      }
      if (opts.integer && !Number.isSafeInteger(value)) {
        fail(field, RejectionReason.InvalidValue, `must be a whole number, got ${value}`);
        return null;
      }
      // -0 prints as 0 in JSON; normalise so a record equals its canonical round trip.
      return value === 0 ? 0 : value;
    };

    // Required fields.
    const queryRaw = read('query');
    const query = text('query', queryRaw);
    if (queryRaw === undefined || queryRaw === null)
      fail('query', RejectionReason.MissingField, 'is required');
    else if (query !== undefined && query.trim() === '')
      fail('query', RejectionReason.MissingField, 'must not be empty');

    const llmRaw = read('llm');
    let llm = text('llm', llmRaw, { maxBytes: MAX_ID_LENGTH });
    if (llmRaw === undefined || llmRaw === null) fail('llm', RejectionReason.MissingField, 'is required');
    else if (llm !== undefined && llm.trim() === '') {
      fail('llm', RejectionReason.MissingField, 'must not be empty');
      llm = undefined;
    }

    const performance = number('performance', { min: 0, max: 1 });
    const judgeScore = number('judge_score', { min: 0, max: 1 });
    const perfGiven = read('performance') !== undefined && read('performance') !== null;
    const judgeGiven = read('judge_score') !== undefined && read('judge_score') !== null;
    if (this.requireScore && !perfGiven && !judgeGiven) {
      fail('performance', RejectionReason.MissingField, 'one of performance or judge_score is required');
    }

    // Prompt mode, also taken from a candidate-style llm name (`gpt-4:think`).
    let promptMode: PromptMode | undefined;
    const modeRaw = read('prompt_mode');
    if (modeRaw !== undefined && modeRaw !== null) {
      if (typeof modeRaw !== 'string')
        fail('prompt_mode', RejectionReason.InvalidType, `must be a string, got ${describe(modeRaw)}`);
      else {
        const m = modeRaw.trim().toLowerCase();
        if ((PROMPT_MODES as readonly string[]).includes(m)) promptMode = m as PromptMode;
        else {
          fail(
            'prompt_mode',
            RejectionReason.UnknownPromptMode,
            `must be one of ${PROMPT_MODES.join(', ')}, got '${modeRaw.slice(0, 40)}'`,
          );
        }
      }
    }
    if (llm !== undefined) {
      const c = parseCandidate(llm.trim());
      llm = c.llm;
      if (c.promptMode === 'think') {
        if (promptMode === 'direct')
          fail(
            'prompt_mode',
            RejectionReason.InvalidValue,
            `is direct but llm '${llm}:think' names think mode`,
          );
        promptMode = 'think';
      }
    }

    // Tenant.
    let tenant = this.defaultTenant;
    const tenantRaw = text('tenant', read('tenant'), { maxBytes: MAX_ID_LENGTH });
    if (tenantRaw !== undefined) {
      if (!TENANT_PATTERN.test(tenantRaw)) {
        fail('tenant', RejectionReason.InvalidValue, 'must be 1-64 letters, digits, dot, dash or underscore');
      } else if (this.forcedTenant !== undefined && tenantRaw !== this.forcedTenant) {
        fail(
          'tenant',
          RejectionReason.InvalidValue,
          `is '${tenantRaw}' but this import is for tenant '${this.forcedTenant}'`,
        );
      } else tenant = tenantRaw;
    }

    // Task and domain.
    const taskRaw = text('task_name', read('task_name'), { maxBytes: MAX_ID_LENGTH });
    const taskName = taskRaw === undefined || taskRaw.trim() === '' ? UNKNOWN_TASK : taskRaw.trim();
    let taskDomain: TaskDomain = this.catalog.domainOf(taskName);
    const domainRaw = read('task_domain');
    if (domainRaw !== undefined && domainRaw !== null) {
      if (typeof domainRaw !== 'string')
        fail('task_domain', RejectionReason.InvalidType, `must be a string, got ${describe(domainRaw)}`);
      else {
        const d = taskKey(domainRaw);
        if ((TASK_DOMAINS as readonly string[]).includes(d)) taskDomain = d as TaskDomain;
        else
          fail(
            'task_domain',
            RejectionReason.InvalidValue,
            `must be one of ${TASK_DOMAINS.join(', ')}, got '${domainRaw.slice(0, 40)}'`,
          );
      }
    }

    const response = text('response', read('response')) ?? '';
    const groundTruth = this.groundTruth(read('ground_truth'), fail, text);
    const metricRaw = read('metric');
    const metric = text('metric', metricRaw, { maxBytes: MAX_ID_LENGTH });
    const inputTokens = number('input_tokens', {
      min: 0,
      integer: true,
      belowMin: RejectionReason.NegativeTokens,
    });
    const outputTokens = number('output_tokens', {
      min: 0,
      integer: true,
      belowMin: RejectionReason.NegativeTokens,
    });
    let inputPrice = number('input_price', { min: 0 });
    let outputPrice = number('output_price', { min: 0 });
    let costUsd = number('cost_usd', { min: 0 });
    const latencyMs = number('latency_ms', { min: 0 });

    let split: Split | null = null;
    const splitRaw = read('split');
    if (splitRaw !== undefined && splitRaw !== null) {
      if (typeof splitRaw !== 'string')
        fail('split', RejectionReason.InvalidType, `must be a string, got ${describe(splitRaw)}`);
      else {
        const s = SPLIT_ALIASES[splitRaw.trim().toLowerCase()];
        if (s) split = s;
        else
          fail(
            'split',
            RejectionReason.InvalidValue,
            `must be train or test, got '${splitRaw.slice(0, 40)}'`,
          );
      }
    }

    let createdAt: string | undefined;
    const createdRaw = read('created_at');
    if (createdRaw !== undefined && createdRaw !== null) {
      if (typeof createdRaw !== 'string')
        fail(
          'created_at',
          RejectionReason.InvalidType,
          `must be an ISO-8601 string, got ${describe(createdRaw)}`,
        );
      else {
        const t = Date.parse(createdRaw);
        if (!ISO_DATE.test(createdRaw.trim()) || Number.isNaN(t)) {
          fail(
            'created_at',
            RejectionReason.InvalidValue,
            `must be an ISO-8601 time, got '${createdRaw.slice(0, 40)}'`,
          );
        } else createdAt = new Date(t).toISOString();
      }
    }

    let metadata: Record<string, unknown> = {};
    const metaRaw = read('metadata');
    if (metaRaw !== undefined && metaRaw !== null) {
      if (!isPlainObject(metaRaw))
        fail('metadata', RejectionReason.InvalidType, `must be a JSON object, got ${describe(metaRaw)}`);
      else metadata = { ...metaRaw };
    }
    // Unknown top-level keys are kept, not dropped, so a misspelt field stays visible downstream.
    const extra: Record<string, unknown> = {};
    for (const key of Object.keys(input)) if (!RECORD_KEYS.has(key)) extra[key] = input[key];
    if (Object.keys(extra).length > 0) metadata = { ...metadata, extra };
    this.checkMetadataSize(metadata, fail);

    const queryIdGiven = id('query_id');
    const recordIdGiven = id('record_id');

    if (violations.length > 0 || query === undefined || llm === undefined) {
      const first = violations[0] ?? violation('(record)', RejectionReason.InvalidValue, 'is invalid');
      return {
        ok: false,
        reason: first.code,
        violations: violations.length ? violations : [first],
        ...(llm ? { llm } : {}),
      };
    }

    // Defaults that depend on other fields.
    const mode: PromptMode = promptMode ?? 'direct';
    const queryId = queryIdGiven ?? deriveQueryId({ taskName, text: query });
    const recordId = recordIdGiven ?? deriveRecordId({ tenant, queryId, llm, promptMode: mode });
    const listed = inputPrice === null || outputPrice === null ? this.prices.lookup(llm) : null;
    if (listed) {
      inputPrice ??= listed.inputPerMTokens;
      outputPrice ??= listed.outputPerMTokens;
      metadata = {
        ...metadata,
        priceSource: listed.source === 'estimate' ? 'price_table_estimate' : 'price_table',
      };
    }
    if (
      costUsd === null &&
      inputTokens !== null &&
      outputTokens !== null &&
      inputPrice !== null &&
      outputPrice !== null
    ) {
      costUsd = costFromTokens(inputTokens, outputTokens, inputPrice, outputPrice);
      metadata = { ...metadata, costSource: 'tokens_x_price' };
    }

    return {
      ok: true,
      record: {
        recordId,
        tenant,
        taskName,
        taskDomain,
        queryId,
        query,
        promptMode: mode,
        llm,
        response,
        groundTruth,
        metric: metric ?? (metricRaw === null ? null : this.catalog.defaultMetricOf(taskName)),
        performance,
        judgeScore,
        inputTokens,
        outputTokens,
        inputPrice,
        outputPrice,
        costUsd,
        latencyMs,
        split,
        createdAt: createdAt ?? this.clock.now().toISOString(),
        metadata,
      },
    };
  }

  private groundTruth(
    value: unknown,
    fail: (field: string, code: RejectionReason, reason: string) => void,
    text: (field: CanonicalField, value: unknown) => string | undefined,
  ): string | null {
    if (value === undefined || value === null) return null;
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    // Code tasks keep their tests as a list of asserts.
    if (Array.isArray(value) && value.every((v) => typeof v === 'string'))
      return text('ground_truth', value.join('\n')) ?? null;
    if (typeof value !== 'string') {
      fail('ground_truth', RejectionReason.InvalidType, `must be a string, got ${describe(value)}`);
      return null;
    }
    return text('ground_truth', value) ?? null;
  }

  private checkMetadataSize(
    metadata: Record<string, unknown>,
    fail: (field: string, code: RejectionReason, reason: string) => void,
  ): void {
    let json: string | undefined;
    try {
      json = JSON.stringify(metadata);
    } catch (err) {
      fail(
        'metadata',
        RejectionReason.InvalidValue,
        `is not serialisable as JSON (${err instanceof Error ? err.message : String(err)})`,
      );
      return;
    }
    const bytes = json === undefined ? 0 : utf8ByteLength(json);
    if (bytes > this.maxFieldBytes) {
      fail(
        'metadata',
        RejectionReason.FieldTooLarge,
        `is ${bytes} bytes as JSON, over the limit of ${this.maxFieldBytes}`,
      );
    }
  }
}

/** One-off validation with the given options (builds a validator each call; reuse one for batches). */
export function validateLogRecord(input: unknown, opts: LogRecordValidatorOptions = {}): ValidationResult {
  return new LogRecordValidator(opts).validate(input);
}
