import {
  closeSync,
  copyFileSync,
  mkdtempSync,
  openSync,
  readFileSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parquetWriteBuffer, type ColumnSource } from 'hyparquet-writer';
import { beforeAll, describe, expect, it } from 'vitest';
import { RejectionReason } from '../../domain/rejection-reason';
import { importLogs } from '../import-logs/import-logs.handler';
import { FUSIONBENCH_COLUMNS } from './fusionbench.columns';
import { FusionBenchImporter } from './fusionbench.importer';
import { collect, countBy, testContext, type Collected } from './__fixtures__/import-context';
import { FUSIONBENCH_FIXTURE_DIR } from './__fixtures__/test-paths';

const CSV = join(FUSIONBENCH_FIXTURE_DIR, 'fusionbench_train.csv');
const JSONL = join(FUSIONBENCH_FIXTURE_DIR, 'fusionbench_train.jsonl');

type Row = Record<string, string | number | null>;
const rawRows = (): Row[] =>
  readFileSync(JSONL, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Row);

const NUMERIC = new Set(['input_price', 'output_price', 'cost', 'llm_judge']);
const INTEGER = new Set(['input_tokens_num', 'output_tokens_num']);

/**
 * The fixture as Parquet, the way a pandas/pyarrow export types it (mixed `performance` as strings); small
 * pages so long columns get a page index unless `offsetIndex` is off.
 */
function writeParquet(rows: Row[], file: string, offsetIndex = true): void {
  const column = (name: string): ColumnSource => {
    if (INTEGER.has(name))
      return { name, offsetIndex, type: 'INT32', data: rows.map((r) => r[name] as number) };
    if (NUMERIC.has(name))
      return { name, offsetIndex, type: 'DOUBLE', data: rows.map((r) => r[name] as number) };
    return {
      name,
      offsetIndex,
      type: 'STRING',
      data: rows.map((r) => (r[name] === null ? null : String(r[name]))),
    };
  };
  const buffer = parquetWriteBuffer({
    columnData: FUSIONBENCH_COLUMNS.map(column),
    rowGroupSize: 50,
    pageSize: 2048,
  });
  writeFileSync(file, new Uint8Array(buffer));
}

// What each row must become, derived from the raw values (not from the importer's helpers).
function expectedPerformance(raw: string | number | null): number {
  // The fixture's scores are 0.0 / 1.0, bare or inside "{'pass@1': ...}" / "np.float64(...)".
  return typeof raw === 'number' ? raw : Number(/([01]\.0)/.exec(String(raw))?.[1]);
}

describe('FusionBenchImporter on the fixture (paper §1.7 schema)', () => {
  const importer = new FusionBenchImporter();
  const rows = rawRows();
  let dir: string;
  let parquet: string;
  let byFormat: Record<'csv' | 'jsonl' | 'parquet', Collected>;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fusionbench-'));
    parquet = join(dir, 'fusionbench_train.parquet');
    writeParquet(rows, parquet);
    byFormat = {
      csv: await collect(importer, CSV),
      jsonl: await collect(importer, JSONL),
      parquet: await collect(importer, parquet),
    };
  });

  it('is 3 queries x 20 LLMs x 2 modes in 40-row blocks', () => {
    expect(rows).toHaveLength(120);
    expect(new Set(rows.map((r) => String(r['llm']).replace(/_think$/, ''))).size).toBe(20);
  });

  it.each(['csv', 'jsonl', 'parquet'] as const)(
    'imports every %s row, with no rejection or notice',
    (format) => {
      const got = byFormat[format];
      expect(got.records).toHaveLength(120);
      expect(got.rejected).toEqual([]);
      expect(got.notices).toEqual([]);
    },
  );

  it('yields the same records from CSV, JSONL and Parquet', () => {
    const strip = (c: Collected) => c.records.map((r) => r.record);
    expect(strip(byFormat.csv)).toEqual(strip(byFormat.jsonl));
    expect(strip(byFormat.parquet)).toEqual(strip(byFormat.jsonl));
  });

  it('reads Parquet without a page index a row group at a time, to the same records', async () => {
    const plain = join(dir, 'no_index_train.parquet');
    writeParquet(rows, plain, false);
    const got = await collect(importer, plain);
    expect(got.records.map((r) => r.record)).toEqual(byFormat.jsonl.records.map((r) => r.record));
    expect(got.records.map((r) => r.origin.row)).toEqual(rows.map((_, i) => i + 1));
  });

  it('maps every row: _think, pass@1 and np.float64 scores, micro-dollars to USD, prices, tokens, split', () => {
    byFormat.jsonl.records.forEach(({ record, origin }, i) => {
      const raw = rows[i] as Row;
      expect(origin.row).toBe(i + 1);
      const think = String(raw['llm']).endsWith('_think');
      expect(record.llm).toBe(String(raw['llm']).replace(/_think$/, ''));
      expect(record.promptMode).toBe(think ? 'think' : 'direct');
      expect(record.performance).toBe(expectedPerformance(raw['performance'] ?? null));
      expect(record.costUsd).toBeCloseTo((raw['cost'] as number) / 1e6, 15);
      expect(record.judgeScore).toBe(raw['llm_judge']);
      expect([record.inputTokens, record.outputTokens, record.inputPrice, record.outputPrice]).toEqual([
        raw['input_tokens_num'],
        raw['output_tokens_num'],
        raw['input_price'],
        raw['output_price'],
      ]);
      expect(record.query).toBe(raw['query']);
      expect(record.response).toBe(raw['response']);
      expect(record.split).toBe('train');
      expect(record.taskName).toBe(raw['task_name']);
      expect(record.metadata['queryEmbedding']).toBeUndefined();
    });
    const domains = countBy(
      byFormat.jsonl.records,
      (r) => `${r.record.taskName}:${r.record.taskDomain}:${r.record.metric}`,
    );
    expect(domains).toEqual({ 'gsm8k:math:GSM8K': 40, 'mmlu:popular:em_mc': 40, 'mbpp:code:code_eval': 40 });
    expect(byFormat.jsonl.records.filter((r) => r.record.metadata['taskId'] === 11)).toHaveLength(40);
  });

  it('gives a query one id across both modes, even with the think line inside the template', () => {
    const ids = countBy(byFormat.jsonl.records, (r) => r.record.queryId);
    expect(Object.values(ids)).toEqual([40, 40, 40]);
    expect(new Set(byFormat.jsonl.records.map((r) => r.record.recordId)).size).toBe(120);
  });

  it('parses the block embedding when asked, and reports a summarised tensor', async () => {
    const got = await collect(importer, CSV, testContext({ parseEmbeddings: true }));
    const first = got.records.slice(0, 40).map((r) => r.record.metadata['queryEmbedding'] as number[]);
    expect(first.every((e) => e.length === 768)).toBe(true);
    expect(first[39]?.[1]).toBeCloseTo(Math.sin(1) * 0.1, 4);
    expect(got.records.slice(40).every((r) => r.record.metadata['queryEmbedding'] === undefined)).toBe(true);
    expect(got.notices.map((n) => [n.origin.row, n.message])).toEqual([
      [41, 'query_embedding not parsed (summarised)'],
    ]);
  });

  it('reports a block of the wrong size as a notice', async () => {
    const cut = join(dir, 'short_block.jsonl');
    writeFileSync(cut, readFileSync(JSONL, 'utf8').split('\n').slice(0, 38).join('\n') + '\n');
    const got = await collect(importer, cut);
    expect(got.records).toHaveLength(38);
    expect(got.notices.map((n) => n.message)).toEqual([expect.stringContaining('has 38 rows, expected 40')]);
  });
});

describe('FusionBenchImporter on bad input', () => {
  const importer = new FusionBenchImporter();
  const header = FUSIONBENCH_COLUMNS.join(',');
  const row = (over: Partial<Record<(typeof FUSIONBENCH_COLUMNS)[number], string>>): string => {
    const base: Record<string, string> = {
      task_name: 'gsm8k',
      task_id: '',
      task_description: 'd',
      task_description_embedding: '',
      query: 'What is 1+1?',
      query_embedding: '',
      ground_truth: '2',
      metric: 'GSM8K',
      llm: 'gemma-7b',
      input_price: '0.2',
      output_price: '0.2',
      input_tokens_num: '10',
      output_tokens_num: '5',
      performance: '1.0',
      cost: '3.0',
      response: 'two',
      llm_description: 'x',
      llm_judge: '0.5',
    };
    return FUSIONBENCH_COLUMNS.map((c) => over[c] ?? base[c]).join(',');
  };

  it('rejects each bad row naming row and column, and imports the rest', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fusionbench-bad-'));
    const file = join(dir, 'bad_train.csv');
    writeFileSync(
      file,
      [
        header,
        row({ llm: 'a' }),
        row({ llm: 'b', performance: 'abc' }),
        row({ llm: 'c', performance: '1.5' }),
        row({ llm: 'd', input_tokens_num: '-3' }),
        row({ llm: 'e', performance: '', llm_judge: '' }),
        row({ llm: 'f', cost: 'np.float64(-1)' }),
        'too,few,fields',
        row({ llm: 'g', response: '"never closed' }),
        row({ llm: 'h' }),
        row({ llm: 'i' }).slice(0, 40),
      ].join('\n'),
    );
    const got = await collect(importer, file);
    expect(got.records.map((r) => r.record.llm)).toEqual(['a', 'h']);
    expect(got.rejected.map((r) => [r.origin.row, r.reason, r.violations[0]?.field])).toEqual([
      [2, RejectionReason.InvalidType, 'performance'],
      [3, RejectionReason.OutOfRange, 'performance'],
      [4, RejectionReason.NegativeTokens, 'input_tokens_num'],
      [5, RejectionReason.MissingField, 'performance'],
      [6, RejectionReason.OutOfRange, 'cost'],
      [7, RejectionReason.MalformedRow, '(row)'],
      [8, RejectionReason.UnterminatedQuote, '(row)'],
      [10, RejectionReason.Truncated, expect.any(String)],
    ]);
  });

  it('rejects invalid UTF-8 naming the column', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fusionbench-utf8-'));
    const file = join(dir, 'utf8.csv');
    const enc = new TextEncoder();
    const [before = '', after = ''] = row({ llm: 'b', response: 'XX' }).split('XX');
    writeFileSync(
      file,
      new Uint8Array([
        ...enc.encode(`${header}\n${row({ llm: 'a' })}\n${before}ok `),
        0xed,
        0xa0,
        0x80, // an encoded surrogate: not valid UTF-8
        ...enc.encode(`${after}\n${row({ llm: 'c' })}\n`),
      ]),
    );
    const got = await collect(importer, file);
    expect(got.records.map((r) => r.record.llm)).toEqual(['a', 'c']);
    expect(got.rejected.map((r) => [r.origin.row, r.reason, r.violations[0]?.field, r.llm])).toEqual([
      [2, RejectionReason.InvalidUtf8, 'response', 'b'],
    ]);
  });

  it('rejects a 50 MB field naming it, without holding the file in memory, and imports the rest', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fusionbench-big-'));
    const file = join(dir, 'big_train.csv');
    const size = 50 * 1024 * 1024;
    const block = Buffer.alloc(1024 * 1024, 'y');
    const [prefix = '', suffix = ''] = row({ llm: 'huge', response: 'RESP' }).split('RESP');
    copyFileSync(CSV, file);
    const fd = openSync(file, 'a');
    writeSync(fd, `${prefix}"`);
    for (let written = 0; written < size; written += block.length) writeSync(fd, block);
    writeSync(fd, `"${suffix}\n${row({ llm: 'after' })}\n`);
    closeSync(fd);

    const heapBefore = process.memoryUsage().heapUsed;
    const report = await importLogs({ path: file, dryRun: true, format: 'fusionbench' });
    const heapGrowth = process.memoryUsage().heapUsed - heapBefore;
    expect(report.accepted).toBe(121);
    expect(report.rejectedByReason).toEqual({ field_too_large: 1 });
    expect(report.rejectionSamples[0]).toMatchObject({
      origin: { row: 121 },
      reason: 'field_too_large',
      violations: [
        {
          field: 'response',
          code: 'field_too_large',
          reason: `is ${size} bytes, over the limit of ${1024 * 1024}`,
        },
      ],
      llm: 'huge',
    });
    // The parser holds at most one field's cap (1 MiB) per field; 50 MB in a string would show here.
    expect(heapGrowth).toBeLessThan(40 * 1024 * 1024);
  });
});
