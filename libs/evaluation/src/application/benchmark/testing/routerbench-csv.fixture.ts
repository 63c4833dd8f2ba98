// Test-only, minimal reader of the RouterBench CSVs in ../shared/data (the real importer lives in ingestion).
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { LogRecord, TaskDomain } from '@fusion/contracts';

export const ROUTERBENCH_DIR = resolve(process.cwd(), '../shared/data/routerbench-routerdc');

const FILES: { file: string; split: 'train' | 'test'; domain: TaskDomain }[] = [
  { file: 'arc_challenge_train.csv', split: 'train', domain: 'commonsense' },
  { file: 'arc_challenge_test.csv', split: 'test', domain: 'commonsense' },
  { file: 'mbpp_train.csv', split: 'train', domain: 'code' },
  { file: 'mbpp_test.csv', split: 'test', domain: 'code' },
  { file: 'winograde_train.csv', split: 'train', domain: 'commonsense' },
  { file: 'winograde_test.csv', split: 'test', domain: 'commonsense' },
];

/** RFC 4180: quoted fields may hold commas, newlines and doubled quotes. Slices rather than appends, for speed. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    let field: string;
    if (text[i] === '"') {
      let j = i + 1;
      let value = '';
      for (;;) {
        const q = text.indexOf('"', j);
        if (q < 0) throw new Error(`unterminated quoted field at offset ${i}`);
        value += text.slice(j, q);
        if (text[q + 1] === '"') {
          value += '"';
          j = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
      field = value;
    } else {
      let j = i;
      while (j < n && text[j] !== ',' && text[j] !== '\n' && text[j] !== '\r') j++;
      field = text.slice(i, j);
      i = j;
    }
    row.push(field);
    const ch = text[i];
    if (ch === ',') {
      i++;
      if (i === n) row.push('');
    } else {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      i++;
      rows.push(row);
      row = [];
    }
  }
  if (row.length > 0) rows.push(row);
  return rows;
}

/** One LogRecord per (row, LLM); queryId = `<eval_name>:<row index>` (sample_id repeats in the source). */
export function loadRouterBenchRecords(
  dir = ROUTERBENCH_DIR,
  opts: { withSplit?: boolean } = {},
): LogRecord[] {
  const records: LogRecord[] = [];
  for (const { file, split, domain } of FILES) {
    const [header, ...rows] = parseCsv(readFileSync(resolve(dir, file), 'utf8'));
    if (!header) throw new Error(`${file}: empty`);
    const col = new Map(header.map((h, i) => [h, i]));
    const llms = header
      .filter((h) => h.endsWith('|total_cost'))
      .map((h) => h.slice(0, -'|total_cost'.length));
    for (const row of rows) {
      if (row.length < header.length) continue;
      const cell = (name: string) => row[col.get(name) ?? -1] ?? '';
      const task = cell('eval_name');
      const queryId = `${task}:${row[0] ?? ''}`;
      for (const llm of llms) {
        const perf = cell(llm);
        const cost = cell(`${llm}|total_cost`);
        records.push({
          recordId: `${queryId}|${llm}`,
          tenant: 'test',
          taskName: task,
          taskDomain: domain,
          queryId,
          query: cell('prompt'),
          promptMode: 'direct',
          llm,
          response: '',
          groundTruth: null,
          metric: null,
          performance: perf === '' ? null : Number(perf),
          judgeScore: null,
          inputTokens: null,
          outputTokens: null,
          inputPrice: null,
          outputPrice: null,
          costUsd: cost === '' ? null : Number(cost),
          latencyMs: null,
          split: opts.withSplit === false ? null : split,
          createdAt: '2024-01-01T00:00:00Z',
          metadata: {},
        });
      }
    }
  }
  return records;
}
