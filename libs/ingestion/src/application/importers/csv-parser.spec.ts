import { describe, expect, it } from 'vitest';
import { RejectionReason } from '../../domain/rejection-reason';
import { bufferByteSource, type ByteSource } from './byte-source';
import { parseCsv, type CsvParseOptions, type CsvParseStats, type CsvRow } from './csv-parser';

const enc = new TextEncoder();

async function parse(
  input: string | Uint8Array,
  opts: CsvParseOptions = {},
  chunkBytes = 64 * 1024,
): Promise<CsvRow[]> {
  const bytes = typeof input === 'string' ? enc.encode(input) : input;
  const rows: CsvRow[] = [];
  for await (const r of parseCsv(bufferByteSource(bytes, chunkBytes), opts)) rows.push(r);
  return rows;
}

describe('parseCsv', () => {
  it('reads a header and rows with their numbers', async () => {
    const rows = await parse('a,b\n1,2\n3,4\n');
    expect(rows.map((r) => [r.index, r.line, r.fields])).toEqual([
      [0, 1, ['a', 'b']],
      [1, 2, ['1', '2']],
      [2, 3, ['3', '4']],
    ]);
    expect(rows.every((r) => r.terminated && r.issues.length === 0 && !r.error)).toBe(true);
  });

  it('handles quotes, escaped quotes, commas and line breaks inside fields', async () => {
    const rows = await parse('a,b\n"x, y","say ""hi"""\n"multi\nline\nfield",z\nlast,row\n');
    expect(rows.map((r) => r.fields)).toEqual([
      ['a', 'b'],
      ['x, y', 'say "hi"'],
      ['multi\nline\nfield', 'z'],
      ['last', 'row'],
    ]);
    expect(rows.map((r) => r.line)).toEqual([1, 2, 3, 6]);
  });

  it('accepts CRLF line ends and keeps CR inside quoted fields', async () => {
    const rows = await parse('a,b\r\n1,"x\r\ny"\r\n2,3\r\n');
    expect(rows.map((r) => r.fields)).toEqual([
      ['a', 'b'],
      ['1', 'x\r\ny'],
      ['2', '3'],
    ]);
    expect(rows[2]?.line).toBe(4);
  });

  it('strips a UTF-8 BOM and skips blank lines', async () => {
    const rows = await parse('\uFEFFa,b\n\n1,2\n\n');
    expect(rows.map((r) => r.fields)).toEqual([
      ['a', 'b'],
      ['1', '2'],
    ]);
    expect(rows[1]?.index).toBe(1);
  });

  it('keeps empty fields and quoted empty rows', async () => {
    const rows = await parse('a,b,c\n,,\n""\n');
    expect(rows.map((r) => r.fields)).toEqual([['a', 'b', 'c'], ['', '', ''], ['']]);
  });

  it('reads a stray quote inside an unquoted field as text', async () => {
    const rows = await parse('a,b\n5" pipe,"x"y\n');
    expect(rows[1]?.fields).toEqual(['5" pipe', 'xy']);
  });

  it('flags a last line without a line break as unterminated', async () => {
    const rows = await parse('a,b\n1,2\n3');
    expect(rows[2]).toMatchObject({ fields: ['3'], terminated: false });
  });

  it('recovers after an unterminated quote: the bad row is reported, later rows still come', async () => {
    const rows = await parse('a,b\n1,"never closed\n2,two\n3,three\n');
    expect(rows[1]).toMatchObject({
      index: 1,
      line: 2,
      error: { reason: RejectionReason.UnterminatedQuote },
    });
    expect(rows.slice(2).map((r) => [r.line, r.fields])).toEqual([
      [3, ['2', 'two']],
      [4, ['3', 'three']],
    ]);
  });

  it('pairs lone quotes like any RFC 4180 reader; only the one left open at the end is unterminated', async () => {
    const stats: CsvParseStats = { maxBufferedFieldBytes: 0, restarts: 0 };
    const rows: CsvRow[] = [];
    const src = 'a,b\n1,"bad one\n2,fine\n3,"bad two\n4,fine\n5,"bad three\n6,fine\n';
    for await (const r of parseCsv(bufferByteSource(enc.encode(src)), {}, stats)) rows.push(r);
    expect(
      rows.map((r) => (r.error ? `${r.line}:${r.error.reason}` : `${r.line}:${r.fields.join('|')}`)),
    ).toEqual(['1:a|b', '2:1|bad one\n2,fine\n3,bad two', '5:4|fine', '6:unterminated_quote', '7:6|fine']);
    expect(stats.restarts).toBe(1);
  });

  it('flags invalid UTF-8 per field and keeps decoding the rest', async () => {
    const bytes = new Uint8Array([...enc.encode('a,b\nok,'), 0xff, 0xfe, ...enc.encode('\nfine,row\n')]);
    const rows = await parse(bytes);
    expect(rows[1]).toMatchObject({
      fields: ['ok', ''],
      issues: [{ column: 1, reason: RejectionReason.InvalidUtf8, bytes: 2 }],
    });
    expect(rows[2]?.fields).toEqual(['fine', 'row']);
  });

  it('gives the same rows whatever the chunk size', async () => {
    const text = '\uFEFFa,b\r\n"x\r\n""y""",é€😀\r\n"open\n1,2\r\n3,"4"\n';
    const whole = await parse(text);
    for (const size of [1, 2, 3, 5, 7]) expect(await parse(text, {}, size)).toEqual(whole);
  });

  it('measures a field over the cap without buffering it', async () => {
    const stats: CsvParseStats = { maxBufferedFieldBytes: 0, restarts: 0 };
    const rows: CsvRow[] = [];
    for await (const r of parseCsv(
      bufferByteSource(enc.encode(`a,b\n1,"${'z'.repeat(5000)}"\n2,3\n`), 256),
      { maxFieldBytes: 1000 },
      stats,
    ))
      rows.push(r);
    expect(rows[1]?.issues).toEqual([{ column: 1, reason: RejectionReason.FieldTooLarge, bytes: 5000 }]);
    expect(rows[2]?.fields).toEqual(['2', '3']);
    expect(stats.maxBufferedFieldBytes).toBeLessThanOrEqual(1000);
  });

  it('rejects a 50 MB field while holding at most the cap in memory', async () => {
    const size = 50 * 1024 * 1024;
    const chunk = new Uint8Array(64 * 1024).fill(0x61);
    // Generated on the fly: the 50 MB never exists as one buffer or string.
    const source: ByteSource = async function* () {
      yield enc.encode('id,payload\n1,small\n2,"');
      for (let sent = 0; sent < size; sent += chunk.length) yield chunk;
      yield enc.encode('"\n3,after\n');
    };
    const stats: CsvParseStats = { maxBufferedFieldBytes: 0, restarts: 0 };
    const rows: CsvRow[] = [];
    for await (const r of parseCsv(source, { maxFieldBytes: 1024 * 1024 }, stats)) rows.push(r);
    expect(rows.map((r) => r.fields[0])).toEqual(['id', '1', '2', '3']);
    expect(rows[2]?.issues).toEqual([{ column: 1, reason: RejectionReason.FieldTooLarge, bytes: size }]);
    expect(stats.maxBufferedFieldBytes).toBeLessThanOrEqual(1024 * 1024);
  });

  it('reports rows with too many fields', async () => {
    const rows = await parse(`a\n${','.repeat(20)}\n`, { maxFields: 10 });
    expect(rows[1]?.error?.reason).toBe(RejectionReason.MalformedRow);
  });
});
