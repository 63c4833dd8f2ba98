import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROMPT_MODES, SPLITS, TASK_DOMAINS } from '@fusion/contracts';
import { FixedClock } from '@fusion/shared/kernel';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LogRecordValidator } from '../../domain/log-record.validator';
import { REJECTION_REASONS } from '../../domain/rejection-reason';
import { importLogs } from '../import-logs/import-logs.handler';
import { bufferByteSource } from './byte-source';
import { CanonicalJsonlImporter } from './canonical-jsonl.importer';
import { parseCsv, type CsvRow } from './csv-parser';
import { FastChatJudgeImporter } from './fastchat-judge.importer';
import { FUSIONBENCH_COLUMNS } from './fusionbench.columns';
import { FusionBenchImporter } from './fusionbench.importer';
import { readLines } from './line-reader';
import type { ImportItem, LogImporter } from './log-importer.port';
import { RouterBenchImporter } from './routerbench.importer';
import { testContext } from './__fixtures__/import-context';

// Property tests: malformed records and files never crash a validator or importer, and every rejection
// carries a known reason code and names a field.

const clock = new FixedClock(new Date('2026-01-01T00:00:00Z'));
const validator = new LogRecordValidator({ clock, maxFieldBytes: 4096 });
const reasons = new Set<string>(REJECTION_REASONS);
const enc = new TextEncoder();

const weirdValue = fc.oneof(
  fc.anything(),
  fc.double(),
  fc.integer({ min: -5, max: 5 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.constantFrom(
    '',
    ' ',
    'NaN',
    'think',
    'direct',
    'train',
    'test',
    '2025-01-01T00:00:00Z',
    '\uD800',
    'x'.repeat(5000),
  ),
  fc.constant(null),
  fc.constant(undefined),
);
// A plausible record with zero to three fields replaced by something hostile.
const plausibleRecord = fc.record(
  {
    query: fc.string({ minLength: 1, maxLength: 40 }),
    llm: fc.constantFrom('gpt-4-1106-preview', 'deepseek-r1', 'm:think', 'own-model'),
    performance: fc.double({ min: 0, max: 1, noNaN: true }),
    judge_score: fc.double({ min: 0, max: 1, noNaN: true }),
    judgeScore: fc.double({ min: 0, max: 1, noNaN: true }),
    prompt_mode: fc.constantFrom(...PROMPT_MODES),
    input_tokens: fc.nat(100000),
    outputTokens: fc.nat(100000),
    input_price: fc.double({ min: 0, max: 100, noNaN: true }),
    cost_usd: fc.double({ min: 0, max: 1, noNaN: true }),
    task_name: fc.constantFrom('mmlu', 'mbpp', 'arc-challenge', 'my-task'),
    task_domain: fc.constantFrom(...TASK_DOMAINS),
    split: fc.constantFrom(...SPLITS),
    created_at: fc
      .date({ noInvalidDate: true, min: new Date('2000-01-01'), max: new Date('2100-01-01') })
      .map((d) => d.toISOString()),
    tenant: fc.constantFrom('default', 'acme'),
    metadata: fc.dictionary(fc.string({ maxLength: 5 }), fc.jsonValue({ maxDepth: 2 })),
    record_id: fc.uuid(),
    ground_truth: fc.oneof(fc.string(), fc.array(fc.string(), { maxLength: 3 })),
  },
  { requiredKeys: ['query', 'llm', 'performance'] },
);
const looseRecord = fc
  .tuple(
    plausibleRecord,
    fc.array(
      fc.tuple(
        fc.constantFrom(
          'query',
          'llm',
          'performance',
          'judge_score',
          'prompt_mode',
          'input_tokens',
          'outputTokens',
          'cost_usd',
          'task_domain',
          'split',
          'created_at',
          'tenant',
          'metadata',
          'record_id',
          'ground_truth',
          'response',
          'unknown_key',
        ),
        weirdValue,
      ),
      { maxLength: 3 },
    ),
  )
  .map(([rec, mutations]) => {
    const out: Record<string, unknown> = { ...rec };
    for (const [k, v] of mutations) {
      if (v === undefined) delete out[k];
      else out[k] = v;
    }
    return out;
  });

function checkRejection(item: ImportItem): void {
  if (item.kind !== 'rejected') return;
  expect(reasons.has(item.reason)).toBe(true);
  expect(item.violations.length).toBeGreaterThan(0);
  expect(item.violations[0]?.code).toBe(item.reason);
  for (const v of item.violations) {
    expect(reasons.has(v.code)).toBe(true);
    expect(v.field.length).toBeGreaterThan(0);
    expect(v.reason.length).toBeGreaterThan(0);
  }
  expect(item.origin.file.length).toBeGreaterThan(0);
}

async function readAll(importer: LogImporter, path: string): Promise<ImportItem[]> {
  const items: ImportItem[] = [];
  for await (const item of importer.read(
    path,
    testContext({ limits: { maxFieldBytes: 2048, maxLineBytes: 4096 } }),
  ))
    items.push(item);
  return items;
}

describe('fuzz: validator', () => {
  it('never throws; accepted records obey the contract; rejections name a field and a known reason', () => {
    const seen = { ok: 0, reasons: new Set<string>() };
    fc.assert(
      fc.property(
        fc.oneof({ weight: 9, arbitrary: looseRecord }, { weight: 1, arbitrary: fc.anything() }),
        (input) => {
          const r = validator.validate(input);
          if (r.ok) seen.ok++;
          else seen.reasons.add(r.reason);
          if (r.ok) {
            const rec = r.record;
            expect(rec.query.trim().length).toBeGreaterThan(0);
            expect(PROMPT_MODES).toContain(rec.promptMode);
            expect(TASK_DOMAINS).toContain(rec.taskDomain);
            expect(rec.performance !== null || rec.judgeScore !== null).toBe(true);
            for (const s of [rec.performance, rec.judgeScore])
              if (s !== null) expect(s >= 0 && s <= 1).toBe(true);
            for (const t of [rec.inputTokens, rec.outputTokens])
              if (t !== null) expect(Number.isSafeInteger(t) && t >= 0).toBe(true);
            expect(Number.isNaN(Date.parse(rec.createdAt))).toBe(false);
            expect(() => JSON.stringify(rec)).not.toThrow();
          } else {
            expect(r.violations.length).toBeGreaterThan(0);
            expect(r.reason).toBe(r.violations[0]?.code);
            for (const v of r.violations) {
              expect(reasons.has(v.code)).toBe(true);
              expect(v.field.length).toBeGreaterThan(0);
            }
          }
        },
      ),
      { numRuns: 3000, seed: 20260101 },
    );
    // The generator reaches both outcomes and many rules, or the property above proves little.
    expect(seen.ok).toBeGreaterThan(100);
    expect(seen.reasons.size).toBeGreaterThanOrEqual(6);
  });
});

describe('fuzz: CSV parser and line reader', () => {
  const csvByte = fc.oneof(
    fc.constantFrom(...[',', '"', '\n', '\r', 'a', 'b', ' '].map((c) => c.charCodeAt(0))),
    fc.constantFrom(0xff, 0xc3, 0xa9, 0xef, 0xbb, 0xbf, 0xed, 0xa0, 0x80),
  );

  it('parses arbitrary bytes without throwing, the same way for any chunking', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(csvByte, { maxLength: 200 }),
        fc.integer({ min: 1, max: 17 }),
        async (bytes, chunk) => {
          const input = new Uint8Array(bytes);
          const whole: CsvRow[] = [];
          for await (const r of parseCsv(bufferByteSource(input), { maxFieldBytes: 16 })) whole.push(r);
          const chunked: CsvRow[] = [];
          for await (const r of parseCsv(bufferByteSource(input, chunk), { maxFieldBytes: 16 }))
            chunked.push(r);
          expect(chunked).toEqual(whole);
          for (const r of whole) {
            if (r.error) expect(reasons.has(r.error.reason)).toBe(true);
            for (const i of r.issues) expect(reasons.has(i.reason)).toBe(true);
            expect(r.fields.every((f) => f.length <= 16)).toBe(true);
          }
        },
      ),
      { numRuns: 1500, seed: 7 },
    );
  });

  it('reads back any table it is given in RFC 4180 form', async () => {
    const cell = fc.string({
      maxLength: 12,
      unit: fc.constantFrom('a', 'é', '😀', ',', '"', '\n', '\r\n', ' '),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(cell, { minLength: 2, maxLength: 2 }), { minLength: 1, maxLength: 8 }),
        fc.boolean(),
        async (table, crlf) => {
          const text =
            table
              .map((r) => r.map((c) => `"${c.replace(/"/g, '""')}"`).join(','))
              .join(crlf ? '\r\n' : '\n') + '\n';
          const rows: string[][] = [];
          for await (const r of parseCsv(bufferByteSource(enc.encode(text), 5))) rows.push(r.fields);
          expect(rows).toEqual(table);
        },
      ),
      { numRuns: 500, seed: 11 },
    );
  });

  it('splits arbitrary bytes into lines without throwing', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 300 }),
        fc.integer({ min: 1, max: 9 }),
        async (bytes, chunk) => {
          let n = 0;
          for await (const l of readLines(bufferByteSource(bytes, chunk), { maxLineBytes: 32 })) {
            n++;
            expect(l.text === null).toBe(l.oversized || l.invalidUtf8);
          }
          const breaks = bytes.filter((b) => b === 0x0a).length;
          expect(n === breaks || n === breaks + 1).toBe(true);
        },
      ),
      { numRuns: 500, seed: 13 },
    );
  });
});

describe('fuzz: importers on malformed files', () => {
  const root = mkdtempSync(join(tmpdir(), 'ingestion-fuzz-'));
  let fileNo = 0;
  const write = (name: string, bytes: Uint8Array): string => {
    const dir = join(root, String(fileNo++));
    mkdirSync(dir);
    const file = join(dir, name);
    writeFileSync(file, bytes);
    return file;
  };
  const junkCell = fc.oneof(
    fc.string({ maxLength: 10 }),
    fc.constantFrom(
      '',
      '"',
      '""',
      '1.0',
      '-1',
      'nan',
      "{'pass@1': 0.5}",
      'np.float64(2)',
      "['a', 'b']",
      'tensor([1, ...])',
      'x'.repeat(3000),
    ),
  );
  const bytesOf = (parts: (string | readonly number[])[]): Uint8Array =>
    new Uint8Array(parts.flatMap((p) => (typeof p === 'string' ? [...enc.encode(p)] : p)));
  const badBytes = fc.constantFrom([0xff], [0xc3, 0x28], [0xed, 0xa0, 0x80], [0xe2, 0x82]);

  it('canonical JSONL: every line is accepted or rejected with a reason', async () => {
    const fileReasons = new Set<string>();
    let accepted = 0;
    const line = fc.oneof(
      looseRecord.map((r) => JSON.stringify(r) ?? 'null'),
      fc.jsonValue().map((v) => JSON.stringify(v)),
      fc.string({ maxLength: 30 }),
      fc.constant(`{"query":"q","llm":"m","response":"${'z'.repeat(5000)}","performance":1}`),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.oneof(
            line.map((l) => [l] as (string | readonly number[])[]),
            badBytes.map((b) => ['{"query":"', b, '"}']),
          ),
          { maxLength: 12 },
        ),
        fc.boolean(),
        async (lines, cut) => {
          const parts = lines.flatMap((l) => [...l, '\n']);
          if (cut && parts.length > 0) parts.pop();
          const items = await readAll(new CanonicalJsonlImporter(), write('x.jsonl', bytesOf(parts)));
          items.forEach(checkRejection);
          for (const i of items)
            if (i.kind === 'rejected') fileReasons.add(i.reason);
            else if (i.kind === 'record') accepted++;
        },
      ),
      { numRuns: 300, seed: 17 },
    );
    expect(accepted).toBeGreaterThan(0);
    for (const r of ['malformed_json', 'invalid_utf8', 'field_too_large', 'truncated', 'invalid_type'])
      expect(fileReasons).toContain(r);
  });

  it('RouterBench and FusionBench CSV: no crash, every rejection has a reason', async () => {
    const rbHeader = [
      '',
      'sample_id',
      'prompt',
      'eval_name',
      'm1',
      'm2',
      'm1|model_response',
      'm2|model_response',
      'm1|total_cost',
      'm2|total_cost',
    ];
    const quote = (c: string): string => (/[",\n\r]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c);
    const table = (header: readonly string[]) =>
      fc.array(fc.array(junkCell, { minLength: header.length - 1, maxLength: header.length + 1 }), {
        maxLength: 6,
      });
    await fc.assert(
      fc.asyncProperty(
        table(rbHeader),
        table(FUSIONBENCH_COLUMNS),
        fc.option(badBytes),
        fc.boolean(),
        async (rb, fb, bad, breakQuote) => {
          for (const [header, rows, importer, name] of [
            [rbHeader, rb, new RouterBenchImporter(), 'bench_train.csv'],
            [FUSIONBENCH_COLUMNS, fb, new FusionBenchImporter(), 'fb.csv'],
          ] as const) {
            const body = rows.map((r) => r.map(quote).join(',')).join('\n');
            const parts: (string | readonly number[])[] = [header.map(quote).join(','), '\n', body];
            if (bad) parts.push(',', bad);
            if (breakQuote) parts.push('\n1,"open');
            const items = await readAll(importer, write(name, bytesOf(parts)));
            items.forEach(checkRejection);
          }
        },
      ),
      { numRuns: 150, seed: 19 },
    );
  });

  it('Parquet and FusionBench JSONL: corrupt files are rejected, not thrown', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 200 }),
        fc.array(fc.dictionary(fc.constantFrom(...FUSIONBENCH_COLUMNS), junkCell), { maxLength: 5 }),
        async (noise, rows) => {
          const pq = await readAll(
            new FusionBenchImporter(),
            write('x.parquet', bytesOf(['PAR1', [...noise], 'PAR1'])),
          );
          expect(pq.length).toBeGreaterThan(0);
          pq.forEach(checkRejection);
          const jl = await readAll(
            new FusionBenchImporter(),
            write('x.jsonl', bytesOf(rows.map((r) => `${JSON.stringify(r)}\n`))),
          );
          jl.forEach(checkRejection);
        },
      ),
      { numRuns: 100, seed: 23 },
    );
  });

  it('FastChat layouts with junk judgments and answers: no crash, every rejection has a reason', async () => {
    const judgment = fc.record(
      {
        question_id: fc.constantFrom('q1', 'q2', 'q9', 7),
        model: fc.constantFrom('m', 'n', '', null),
        score: fc.oneof(fc.integer({ min: -2, max: 12 }), fc.constant(null), fc.string({ maxLength: 3 })),
        user_prompt: fc.oneof(
          fc.string({ maxLength: 20 }),
          fc
            .string({ maxLength: 20 })
            .map((a) => `[The Start of Assistant's Answer]\n${a}\n[The End of Assistant's Answer]`),
        ),
      },
      { requiredKeys: [] },
    );
    const answer = fc.record(
      {
        question_id: fc.constantFrom('q1', 'q2', 'q3'),
        model_id: fc.constantFrom('m', 'n', 'o'),
        choices: fc.oneof(fc.constant([{ turns: ['a'] }]), fc.anything()),
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(judgment, { maxLength: 8 }),
        fc.array(answer, { maxLength: 8 }),
        async (judgments, answers) => {
          const dir = join(root, String(fileNo++));
          mkdirSync(join(dir, 'model_answer'), { recursive: true });
          mkdirSync(join(dir, 'model_judgment'));
          writeFileSync(
            join(dir, 'question.jsonl'),
            '{"question_id":"q1","turns":["hi"]}\n{"question_id":"q2","turns":["a","b"]}\nnot json\n',
          );
          writeFileSync(
            join(dir, 'model_answer', 'm.jsonl'),
            answers.map((a) => JSON.stringify(a) ?? '').join('\n'),
          );
          writeFileSync(
            join(dir, 'model_judgment', 'm.jsonl'),
            judgments.map((j) => JSON.stringify(j)).join('\n'),
          );
          const items = await readAll(new FastChatJudgeImporter(), dir);
          items.forEach(checkRejection);
        },
      ),
      { numRuns: 100, seed: 29 },
    );
  });

  it('importLogs balances its books on any canonical file: accepted + duplicates + rejected = candidates', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(looseRecord, { maxLength: 15 }),
        fc.integer({ min: 1, max: 4 }),
        async (records, batchSize) => {
          const file = write(
            'logs.jsonl',
            enc.encode(records.map((r) => JSON.stringify(r) ?? 'null').join('\n') + '\n'),
          );
          const report = await importLogs(
            { path: file, format: 'canonical', dryRun: true, batchSize },
            { clock },
          );
          expect(report.accepted + report.duplicates + report.rejected).toBe(records.length);
          expect(Object.values(report.rejectedByReason).reduce((a, b) => a + b, 0)).toBe(report.rejected);
        },
      ),
      { numRuns: 200, seed: 31 },
    );
  });
});
