import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parquetMetadata } from 'hyparquet';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { describe, expect, it } from 'vitest';
import { parquetRows, splitFromFileName } from './source-rows';

describe('parquetRows', () => {
  const values = Array.from({ length: 230 }, (_, i) => `${'x'.repeat(40)}-${i}`);
  const write = (offsetIndex: boolean): string => {
    const buffer = parquetWriteBuffer({
      columnData: [
        { name: 'text', type: 'STRING', data: values, offsetIndex },
        { name: 'n', type: 'INT64', data: values.map((_, i) => BigInt(i)), offsetIndex },
      ],
      rowGroupSize: 100,
      pageSize: 512,
    });
    const file = join(mkdtempSync(join(tmpdir(), 'parquet-rows-')), `t-${offsetIndex}.parquet`);
    writeFileSync(file, new Uint8Array(buffer));
    return file;
  };

  it.each([true, false])(
    'reads every row in order across groups and slices (page index: %s)',
    async (offsetIndex) => {
      const file = write(offsetIndex);
      const bytes = readFileSync(file);
      const md = parquetMetadata(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
      expect(md.row_groups.map((g) => Number(g.num_rows))).toEqual([100, 100, 30]);
      // The precondition each case is about: the big text chunks have a page index or not.
      expect(md.row_groups[0]?.columns[0]?.offset_index_offset !== undefined).toBe(offsetIndex);
      const got: { row: number | undefined; text: unknown; n: unknown }[] = [];
      for await (const item of parquetRows(file, 7)) {
        if (item.kind !== 'row') throw new Error(JSON.stringify(item));
        got.push({ row: item.origin.row, text: item.value['text'], n: item.value['n'] });
      }
      expect(got).toEqual(values.map((text, i) => ({ row: i + 1, text, n: i })));
    },
  );
});

describe('splitFromFileName', () => {
  it.each([
    ['mbpp_train.csv', 'train'],
    ['winograde_test.csv', 'test'],
    ['partial_test.parquet', 'test'],
    ['train-00000-of-00001.parquet', 'train'],
    ['contest.csv', null],
    ['logs.jsonl', null],
  ])('%s -> %s', (name, split) => {
    expect(splitFromFileName(`/x/${name}`)).toBe(split);
  });
});
