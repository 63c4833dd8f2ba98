import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { RejectionReason } from '../../domain/rejection-reason';
import { importLogs } from '../import-logs/import-logs.handler';
import { collect, countBy, type Collected } from './__fixtures__/import-context';
import { readCsvText } from './__fixtures__/reference-csv';
import { ROUTERBENCH_DIR } from './__fixtures__/test-paths';
import { RouterBenchImporter } from './routerbench.importer';

const META = new Set(['', 'sample_id', 'prompt', 'eval_name', 'oracle_model_to_route_to']);

// Expected counts from first principles: a naive whole-file CSV read, independent of the importer.
interface FileFacts {
  file: string;
  rows: string[][];
  header: string[];
  llms: string[];
  empty: number;
}
function facts(): FileFacts[] {
  return readdirSync(ROUTERBENCH_DIR)
    .filter((f) => f.endsWith('.csv'))
    .sort()
    .map((f) => {
      const [header = [], ...rows] = readCsvText(readFileSync(join(ROUTERBENCH_DIR, f), 'utf8')).filter((r) =>
        r.some((c) => c !== ''),
      );
      const llms = header.filter((c) => !c.includes('|') && !META.has(c));
      const empty = rows.reduce((n, r) => n + llms.filter((l) => r[header.indexOf(l)] === '').length, 0);
      return { file: join(ROUTERBENCH_DIR, f), rows, header, llms, empty };
    });
}

describe('RouterBenchImporter on the real RouterDC subset', () => {
  const importer = new RouterBenchImporter();
  let expected: FileFacts[];
  const byFile = new Map<string, Collected>();

  beforeAll(async () => {
    expected = facts();
    for (const f of expected) byFile.set(f.file, await collect(importer, f.file));
  });

  it('matches the documented shape: 3,178 queries x 11 LLMs, 154 empty score cells', () => {
    expect(expected.reduce((n, f) => n + f.rows.length, 0)).toBe(3178);
    expect(new Set(expected.map((f) => f.llms.length))).toEqual(new Set([11]));
    expect(expected.reduce((n, f) => n + f.empty, 0)).toBe(154);
  });

  it('yields queries x LLMs minus empty cells per file, each empty cell rejected as empty_score', () => {
    for (const f of expected) {
      const got = byFile.get(f.file) as Collected;
      expect(got.records.length, f.file).toBe(f.rows.length * f.llms.length - f.empty);
      expect(
        countBy(got.rejected, (r) => r.reason),
        f.file,
      ).toEqual(f.empty ? { [RejectionReason.EmptyScore]: f.empty } : {});
    }
  });

  it('names the row, the llm and its score column in each empty_score rejection', () => {
    for (const f of expected) {
      for (const r of (byFile.get(f.file) as Collected).rejected) {
        const row = f.rows[(r.origin.row ?? 0) - 1] as string[];
        expect(r.llm && f.llms.includes(r.llm)).toBe(true);
        expect(r.violations[0]?.field).toBe(r.llm);
        expect(row[f.header.indexOf(r.llm as string)]).toBe('');
      }
    }
  });

  it('maps cells to records: score, USD cost, response list, task, split, one query id per row', () => {
    const all = [...byFile.values()].flatMap((c) => c.records.map((i) => i.record));
    expect(new Set(all.map((r) => r.queryId)).size).toBe(3178);
    expect(new Set(all.map((r) => r.recordId)).size).toBe(all.length);
    expect(countBy(all, (r) => `${r.taskName}/${r.taskDomain}`)).toEqual({
      'arc-challenge/commonsense': expect.any(Number),
      'mbpp/code': expect.any(Number),
      'winogrande/commonsense': expect.any(Number),
    });

    const f = expected.find((x) => x.file.endsWith('mbpp_test.csv')) as FileFacts;
    const first = f.rows[0] as string[];
    const cell = (c: string): string => first[f.header.indexOf(c)] as string;
    const rec = (byFile.get(f.file) as Collected).records.find(
      (i) => i.origin.row === 1 && i.record.llm === 'gpt-4-1106-preview',
    )?.record;
    expect(rec).toMatchObject({
      taskName: 'mbpp',
      split: 'test',
      promptMode: 'direct',
      performance: Number(cell('gpt-4-1106-preview')),
      costUsd: Number(cell('gpt-4-1106-preview|total_cost')),
      query: 'Write a python function to identify non-prime numbers.',
      inputPrice: 10,
      outputPrice: 30,
      metadata: { source: 'routerbench', sampleId: cell('sample_id') },
    });
    // The cell is a Python list repr with escaped quotes: `['Here\\'s a Python function ...']`.
    expect(cell('gpt-4-1106-preview|model_response').startsWith("['Here\\'s a Python function")).toBe(true);
    expect(rec?.response.startsWith("Here's a Python function that identifies non-prime numbers")).toBe(true);
  });

  it('reports the whole folder through importLogs with the same counts', async () => {
    const report = await importLogs({ path: ROUTERBENCH_DIR, dryRun: true });
    expect(report).toMatchObject({
      format: 'routerbench',
      rowsRead: 3178,
      accepted: 3178 * 11 - 154,
      duplicates: 0,
      rejected: 154,
      rejectedByReason: { empty_score: 154 },
    });
    expect(report.files).toHaveLength(6);
    expect(report.skippedFiles.map((s) => s.path.split('/').pop())).toEqual(['SOURCE.md']);
  });
});
