import { FixedClock } from '@fusion/shared/kernel';
import { describe, expect, it } from 'vitest';
import { toCanonicalRecord } from './canonical-format';
import { LogRecordValidator, validateLogRecord, type ValidationResult } from './log-record.validator';
import { deriveQueryId, deriveRecordId } from './query-identity';
import { RejectionReason } from './rejection-reason';

const clock = new FixedClock(new Date('2026-03-01T12:00:00Z'));
const validator = new LogRecordValidator({ clock });
const minimal = { query: 'What is 2+2?', llm: 'gpt-4-1106-preview', performance: 1 };

function rejected(result: ValidationResult): { field: string; code: string }[] {
  if (result.ok) throw new Error(`expected a rejection, got ${JSON.stringify(result.record)}`);
  return result.violations.map((v) => ({ field: v.field, code: v.code }));
}

describe('LogRecordValidator: defaults', () => {
  it('fills every default for a minimal record', () => {
    const r = validator.validate(minimal);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const queryId = deriveQueryId({ taskName: 'unknown', text: 'What is 2+2?' });
    expect(r.record).toEqual({
      recordId: deriveRecordId({
        tenant: 'default',
        queryId,
        llm: 'gpt-4-1106-preview',
        promptMode: 'direct',
      }),
      tenant: 'default',
      taskName: 'unknown',
      taskDomain: 'general',
      queryId,
      query: 'What is 2+2?',
      promptMode: 'direct',
      llm: 'gpt-4-1106-preview',
      response: '',
      groundTruth: null,
      metric: null,
      performance: 1,
      judgeScore: null,
      inputTokens: null,
      outputTokens: null,
      inputPrice: 10,
      outputPrice: 30,
      costUsd: null,
      latencyMs: null,
      split: null,
      createdAt: '2026-03-01T12:00:00.000Z',
      metadata: { priceSource: 'price_table' },
    });
  });

  it('takes the domain and default metric from the task catalog', () => {
    const r = validator.validate({ ...minimal, task_name: 'gsm8k' });
    expect(r.ok && [r.record.taskDomain, r.record.metric]).toEqual(['math', 'GSM8K']);
  });

  it('computes cost from tokens and given prices', () => {
    const r = validator.validate({
      ...minimal,
      llm: 'my-model',
      input_tokens: 1000,
      output_tokens: 500,
      input_price: 2,
      output_price: 4,
    });
    expect(r.ok && r.record.costUsd).toBeCloseTo((1000 * 2 + 500 * 4) / 1e6, 15);
    expect(r.ok && r.record.metadata).toEqual({ costSource: 'tokens_x_price' });
  });

  it('computes cost from tokens and the price table when prices are missing', () => {
    const r = validator.validate({ ...minimal, llm: 'deepseek-r1', input_tokens: 100, output_tokens: 200 });
    expect(r.ok && r.record.costUsd).toBeCloseTo((100 * 0.55 + 200 * 2.19) / 1e6, 15);
    expect(r.ok && [r.record.inputPrice, r.record.outputPrice]).toEqual([0.55, 2.19]);
  });

  it('keeps a given cost', () => {
    const r = validator.validate({ ...minimal, input_tokens: 100, output_tokens: 200, cost_usd: 0.5 });
    expect(r.ok && r.record.costUsd).toBe(0.5);
  });

  it('accepts camelCase keys', () => {
    const r = validator.validate({
      query: 'q',
      llm: 'm',
      judgeScore: 0.4,
      promptMode: 'think',
      taskName: 'mmlu',
      inputTokens: 3,
    });
    expect(
      r.ok && [r.record.judgeScore, r.record.promptMode, r.record.taskDomain, r.record.inputTokens],
    ).toEqual([0.4, 'think', 'popular', 3]);
  });

  it('reads a candidate-style llm name as think mode', () => {
    const r = validator.validate({ ...minimal, llm: 'gpt-4-1106-preview:think' });
    expect(r.ok && [r.record.llm, r.record.promptMode]).toEqual(['gpt-4-1106-preview', 'think']);
  });

  it('maps held-out split names to test', () => {
    for (const s of ['test', 'partial_test', 'validation', 'TEST']) {
      const r = validator.validate({ ...minimal, split: s });
      expect(r.ok && r.record.split).toBe('test');
    }
  });

  it('normalises created_at to ISO-8601 UTC', () => {
    const r = validator.validate({ ...minimal, created_at: '2025-01-02T03:04:05+02:00' });
    expect(r.ok && r.record.createdAt).toBe('2025-01-02T01:04:05.000Z');
  });

  it('keeps unknown top-level keys in metadata.extra', () => {
    const r = validator.validate({ ...minimal, perfomance: 0.3, metadata: { a: 1 } });
    expect(r.ok && r.record.metadata).toEqual({
      a: 1,
      extra: { perfomance: 0.3 },
      priceSource: 'price_table',
    });
  });

  it('applies a forced tenant and rejects records of another', () => {
    const v = new LogRecordValidator({ clock, tenant: 'acme' });
    const ok = v.validate(minimal);
    expect(ok.ok && ok.record.tenant).toBe('acme');
    expect(rejected(v.validate({ ...minimal, tenant: 'other' }))).toEqual([
      { field: 'tenant', code: 'invalid_value' },
    ]);
  });

  it('is deterministic: same input, same record', () => {
    expect(validateLogRecord(minimal, { clock })).toEqual(validateLogRecord(minimal, { clock }));
  });
});

describe('LogRecordValidator: rejections', () => {
  const big = 'x'.repeat(1024 * 1024 + 1);
  it.each<[string, unknown, { field: string; code: RejectionReason }[]]>([
    ['not an object', 'hello', [{ field: '(record)', code: RejectionReason.InvalidType }]],
    ['an array', [minimal], [{ field: '(record)', code: RejectionReason.InvalidType }]],
    ['null', null, [{ field: '(record)', code: RejectionReason.InvalidType }]],
    ['missing query', { llm: 'm', performance: 1 }, [{ field: 'query', code: RejectionReason.MissingField }]],
    ['blank query', { ...minimal, query: '  \n' }, [{ field: 'query', code: RejectionReason.MissingField }]],
    ['missing llm', { query: 'q', performance: 1 }, [{ field: 'llm', code: RejectionReason.MissingField }]],
    ['no score', { query: 'q', llm: 'm' }, [{ field: 'performance', code: RejectionReason.MissingField }]],
    ['query a number', { ...minimal, query: 42 }, [{ field: 'query', code: RejectionReason.InvalidType }]],
    [
      'performance a string',
      { ...minimal, performance: '0.5' },
      [{ field: 'performance', code: RejectionReason.InvalidType }],
    ],
    [
      'performance above 1',
      { ...minimal, performance: 1.5 },
      [{ field: 'performance', code: RejectionReason.OutOfRange }],
    ],
    [
      'judge score below 0',
      { ...minimal, judge_score: -0.1 },
      [{ field: 'judge_score', code: RejectionReason.OutOfRange }],
    ],
    [
      'performance NaN',
      { ...minimal, performance: NaN },
      [{ field: 'performance', code: RejectionReason.InvalidType }],
    ],
    [
      'negative input tokens',
      { ...minimal, input_tokens: -5 },
      [{ field: 'input_tokens', code: RejectionReason.NegativeTokens }],
    ],
    [
      'negative output tokens',
      { ...minimal, outputTokens: -1 },
      [{ field: 'output_tokens', code: RejectionReason.NegativeTokens }],
    ],
    [
      'fractional tokens',
      { ...minimal, output_tokens: 2.5 },
      [{ field: 'output_tokens', code: RejectionReason.InvalidValue }],
    ],
    [
      'negative price',
      { ...minimal, input_price: -1 },
      [{ field: 'input_price', code: RejectionReason.OutOfRange }],
    ],
    [
      'negative cost',
      { ...minimal, cost_usd: -0.01 },
      [{ field: 'cost_usd', code: RejectionReason.OutOfRange }],
    ],
    [
      'negative latency',
      { ...minimal, latency_ms: -3 },
      [{ field: 'latency_ms', code: RejectionReason.OutOfRange }],
    ],
    [
      'unknown prompt mode',
      { ...minimal, prompt_mode: 'cot' },
      [{ field: 'prompt_mode', code: RejectionReason.UnknownPromptMode }],
    ],
    [
      'prompt mode a number',
      { ...minimal, prompt_mode: 1 },
      [{ field: 'prompt_mode', code: RejectionReason.InvalidType }],
    ],
    [
      'think llm with direct mode',
      { ...minimal, llm: 'm:think', prompt_mode: 'direct' },
      [{ field: 'prompt_mode', code: RejectionReason.InvalidValue }],
    ],
    [
      'unknown split',
      { ...minimal, split: 'holdout' },
      [{ field: 'split', code: RejectionReason.InvalidValue }],
    ],
    [
      'unknown domain',
      { ...minimal, task_domain: 'sports' },
      [{ field: 'task_domain', code: RejectionReason.InvalidValue }],
    ],
    [
      'bad created_at',
      { ...minimal, created_at: 'yesterday' },
      [{ field: 'created_at', code: RejectionReason.InvalidValue }],
    ],
    [
      'created_at a number',
      { ...minimal, created_at: 1700000000 },
      [{ field: 'created_at', code: RejectionReason.InvalidType }],
    ],
    [
      'metadata an array',
      { ...minimal, metadata: [1] },
      [{ field: 'metadata', code: RejectionReason.InvalidType }],
    ],
    ['bad tenant', { ...minimal, tenant: 'a b' }, [{ field: 'tenant', code: RejectionReason.InvalidValue }]],
    [
      'empty record id',
      { ...minimal, record_id: ' ' },
      [{ field: 'record_id', code: RejectionReason.InvalidValue }],
    ],
    [
      'oversized response',
      { ...minimal, response: big },
      [{ field: 'response', code: RejectionReason.FieldTooLarge }],
    ],
    [
      'oversized metadata',
      { ...minimal, metadata: { blob: big } },
      [{ field: 'metadata', code: RejectionReason.FieldTooLarge }],
    ],
    [
      'unpaired surrogate',
      { ...minimal, response: 'ok \uD800 broken' },
      [{ field: 'response', code: RejectionReason.InvalidUtf8 }],
    ],
    [
      'ground truth an object',
      { ...minimal, ground_truth: { a: 1 } },
      [{ field: 'ground_truth', code: RejectionReason.InvalidType }],
    ],
    [
      'conflicting spellings',
      { ...minimal, judge_score: 0.2, judgeScore: 0.3 },
      [{ field: 'judge_score', code: RejectionReason.InvalidValue }],
    ],
  ])('%s', (_name, input, expected) => {
    expect(rejected(validator.validate(input))).toEqual(expected);
  });

  it('reports every violation, and counts the first as the reason', () => {
    const r = validator.validate({ llm: 5, performance: 2, input_tokens: -1 });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.violations.map((v) => v.field).sort()).toEqual(
      ['input_tokens', 'llm', 'performance', 'query'].sort(),
    );
    expect(r.reason).toBe(r.violations[0]?.code);
    for (const v of r.violations) expect(v.reason.length).toBeGreaterThan(0);
  });

  it('names the llm of a rejected record', () => {
    const r = validator.validate({ llm: 'claude-v1', performance: 3, query: 'q' });
    expect(!r.ok && r.llm).toBe('claude-v1');
  });

  it('respects a smaller field limit', () => {
    const v = new LogRecordValidator({ clock, maxFieldBytes: 10 });
    expect(rejected(v.validate({ ...minimal, query: 'q', response: 'ééééééé' }))).toEqual([
      { field: 'response', code: RejectionReason.FieldTooLarge },
    ]);
  });

  it('survives hostile objects', () => {
    const hostile = Object.create(null) as Record<string, unknown>;
    Object.defineProperty(hostile, 'query', {
      enumerable: true,
      get: () => {
        throw new Error('boom');
      },
    });
    const r = validator.validate(hostile);
    expect(r.ok).toBe(false);
    class NotPlain {
      query = 'q';
      llm = 'm';
      performance = 1;
    }
    expect(rejected(validator.validate(new NotPlain()))).toEqual([
      { field: '(record)', code: RejectionReason.InvalidType },
    ]);
  });
});

describe('canonical shape', () => {
  it('re-validates a record exported to canonical form into the same record', () => {
    const first = validator.validate({
      ...minimal,
      task_name: 'mbpp',
      input_tokens: 10,
      output_tokens: 5,
      split: 'train',
      ground_truth: ['assert f(1) == 2'],
    });
    expect(first.ok).toBe(true);
    if (!first.ok) return;
    const again = new LogRecordValidator({
      clock: new FixedClock(new Date('2030-01-01T00:00:00Z')),
    }).validate(JSON.parse(JSON.stringify(toCanonicalRecord(first.record))));
    expect(again.ok && again.record).toEqual(first.record);
  });
});
