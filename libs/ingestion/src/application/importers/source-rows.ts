import { open, readdir, stat } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { parquetMetadataAsync, parquetReadObjects, type AsyncBuffer, type FileMetaData } from 'hyparquet';
import { RejectionReason, violation } from '../../domain/rejection-reason';
import { bufferByteSource, fileByteSource } from './byte-source';
import { parseCsv, type CsvParseStats, type CsvRow } from './csv-parser';
import { readLines } from './line-reader';
import type { ImportContext, ImportOrigin, RejectedItem } from './log-importer.port';

// Row sources shared by the importers: JSONL objects, CSV rows keyed by header, Parquet rows. Each yields
// either a row with its origin or a rejection naming the row and the field.

export function reject(
  origin: ImportOrigin,
  code: RejectionReason,
  field: string,
  message: string,
  llm?: string,
): RejectedItem {
  return {
    kind: 'rejected',
    origin,
    reason: code,
    violations: [violation(field, code, message)],
    ...(llm ? { llm } : {}),
  };
}

export interface SourceRow<T> {
  kind: 'row';
  origin: ImportOrigin;
  value: T;
}

// The key whose value an oversized line was cut in: the last `"key":` in the kept preview.
function lastJsonKey(preview: string): string | null {
  let key: string | null = null;
  for (const m of preview.matchAll(/"((?:[^"\\]|\\.){1,200})"\s*:/g)) key = m[1] ?? key;
  return key;
}

// Top-level fields of an undecodable line that hold replacement characters (where the bad bytes were).
function fieldsWithBadBytes(lossy: string): string[] {
  try {
    const obj = JSON.parse(lossy) as unknown;
    if (obj && typeof obj === 'object' && !Array.isArray(obj)) {
      return Object.entries(obj as Record<string, unknown>)
        .filter(([, v]) => JSON.stringify(v)?.includes('\uFFFD'))
        .map(([k]) => k);
    }
  } catch {
    // fall through: the line is not JSON either
  }
  return [];
}

/** JSON values of a JSONL file, one per non-blank line. */
export async function* jsonlValues(
  file: string,
  ctx: ImportContext,
): AsyncGenerator<SourceRow<unknown> | RejectedItem> {
  for await (const l of readLines(fileByteSource(file), { maxLineBytes: ctx.limits.maxLineBytes })) {
    const origin: ImportOrigin = { file, line: l.line, row: l.line };
    if (l.oversized) {
      const key = lastJsonKey(l.lossy);
      yield reject(
        origin,
        RejectionReason.FieldTooLarge,
        key ?? '(line)',
        `line is ${l.bytes} bytes, over the limit of ${ctx.limits.maxLineBytes}${key ? ` (cut inside "${key}")` : ''}`,
      );
      continue;
    }
    if (l.invalidUtf8) {
      const fields = fieldsWithBadBytes(l.lossy);
      yield {
        kind: 'rejected',
        origin,
        reason: RejectionReason.InvalidUtf8,
        violations: (fields.length ? fields : ['(line)']).map((f) =>
          violation(f, RejectionReason.InvalidUtf8, 'contains bytes that are not valid UTF-8'),
        ),
      };
      continue;
    }
    const text = l.text ?? '';
    if (text.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      const detail = err instanceof Error ? err.message : String(err);
      yield l.terminated
        ? reject(origin, RejectionReason.MalformedJson, '(line)', `is not valid JSON: ${detail}`)
        : reject(origin, RejectionReason.Truncated, '(line)', `the file ends inside this record (${detail})`);
      continue;
    }
    yield { kind: 'row', origin, value };
  }
}

/** The rejection for a CSV row that cannot be used as a whole, or null. Cell issues are left to callers. */
function csvRowProblem(row: CsvRow, header: string[], origin: ImportOrigin): RejectedItem | null {
  if (row.error) return reject(origin, row.error.reason, '(row)', `row ${row.error.message}`);
  if (row.fields.length !== header.length) {
    if (!row.terminated && row.fields.length < header.length) {
      return reject(
        origin,
        RejectionReason.Truncated,
        header[row.fields.length - 1] ?? '(row)',
        `the file ends inside this row (${row.fields.length} of ${header.length} fields)`,
      );
    }
    return reject(
      origin,
      RejectionReason.MalformedRow,
      '(row)',
      `has ${row.fields.length} fields, the header has ${header.length}`,
    );
  }
  return null;
}

/** Cell problems of a CSV row (oversized, invalid UTF-8), keyed by column name. */
export function csvCellIssues(
  row: CsvRow,
  header: string[],
): { column: string; reason: RejectionReason; bytes: number }[] {
  return row.issues.map((i) => ({
    column: header[i.column] ?? `column ${i.column + 1}`,
    reason: i.reason,
    bytes: i.bytes,
  }));
}

/** CSV data rows with cell issues attached (the importers decide which candidates a bad cell affects). */
export async function* csvRows(
  file: string,
  ctx: ImportContext,
  stats?: CsvParseStats,
): AsyncGenerator<
  | { kind: 'header'; header: string[] }
  | {
      kind: 'row';
      origin: ImportOrigin;
      value: Record<string, string>;
      bad: Map<string, { reason: RejectionReason; bytes: number }>;
    }
  | RejectedItem
> {
  let header: string[] | null = null;
  for await (const row of parseCsv(
    fileByteSource(file),
    { maxFieldBytes: ctx.limits.maxFieldBytes },
    stats,
  )) {
    const origin: ImportOrigin = { file, line: row.line, row: row.index };
    if (header === null) {
      const issue = row.issues[0];
      const problem =
        row.error?.message ?? (issue ? `has a ${issue.reason} cell in column ${issue.column + 1}` : null);
      if (problem) {
        yield reject(
          { file, line: row.line, row: 0 },
          row.error?.reason ?? issue?.reason ?? RejectionReason.MalformedRow,
          '(header)',
          `the header row ${problem}; nothing in this file can be read`,
        );
        return;
      }
      header = row.fields;
      yield { kind: 'header', header };
      continue;
    }
    const rejection = csvRowProblem(row, header, origin);
    if (rejection) {
      yield rejection;
      continue;
    }
    const value: Record<string, string> = {};
    header.forEach((name, i) => {
      value[name] = row.fields[i] ?? '';
    });
    const bad = new Map<string, { reason: RejectionReason; bytes: number }>();
    for (const i of csvCellIssues(row, header)) bad.set(i.column, { reason: i.reason, bytes: i.bytes });
    yield { kind: 'row', origin, value, bad };
  }
}

/** A file as hyparquet's AsyncBuffer (reads byte ranges on demand). */
async function fileAsyncBuffer(file: string): Promise<AsyncBuffer> {
  const { size } = await stat(file);
  return {
    byteLength: size,
    async slice(start: number, end?: number): Promise<ArrayBuffer> {
      const stop = Math.min(end ?? size, size);
      const length = Math.max(0, stop - start);
      const out = new Uint8Array(length);
      if (length === 0) return out.buffer;
      const fh = await open(file, 'r');
      try {
        let read = 0;
        while (read < length) {
          const { bytesRead } = await fh.read(out, read, length - read, start + read);
          if (bytesRead === 0) break;
          read += bytesRead;
        }
      } finally {
        await fh.close();
      }
      return out.buffer;
    },
  };
}

function plainValue(v: unknown): unknown {
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof Date) return v.toISOString();
  return v;
}

const SMALL_CHUNK_BYTES = 1024 * 1024;

/** Rows of a Parquet file, read a slice at a time (memory bounded by a slice or a row group, not the file). */
export async function* parquetRows(
  file: string,
  sliceRows = 1000,
): AsyncGenerator<SourceRow<Record<string, unknown>> | RejectedItem> {
  let buffer: AsyncBuffer;
  let metadata: FileMetaData;
  try {
    buffer = await fileAsyncBuffer(file);
    metadata = await parquetMetadataAsync(buffer);
  } catch (err) {
    yield reject(
      { file },
      RejectionReason.UnreadableFile,
      '(file)',
      `is not a readable Parquet file: ${err instanceof Error ? err.message : String(err)}`,
    );
    return;
  }
  // A slice inside a row group reads only its pages when the chunk has a page index, or re-reads a small
  // chunk; a large chunk without one would be re-read per slice, so such a group is read in one go.
  let groupStart = 0;
  for (const group of metadata.row_groups) {
    const groupRows = Number(group.num_rows);
    const indexed = group.columns.every(
      (c) =>
        c.offset_index_offset !== undefined ||
        Number(c.meta_data?.total_compressed_size ?? Infinity) <= SMALL_CHUNK_BYTES,
    );
    const step = indexed ? sliceRows : Math.max(groupRows, 1);
    for (let start = groupStart; start < groupStart + groupRows; start += step) {
      const end = Math.min(groupStart + groupRows, start + step);
      let rows: Record<string, unknown>[];
      try {
        rows = await parquetReadObjects({
          file: buffer,
          metadata,
          rowStart: start,
          rowEnd: end,
          useOffsetIndex: true,
        });
      } catch (err) {
        yield reject(
          { file, row: start + 1 },
          RejectionReason.UnreadableFile,
          '(file)',
          `rows ${start + 1}-${end} cannot be decoded: ${err instanceof Error ? err.message : String(err)}`,
        );
        continue;
      }
      for (let i = 0; i < rows.length; i++) {
        const value: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(rows[i] ?? {})) value[k] = plainValue(v);
        yield { kind: 'row', origin: { file, row: start + i + 1 }, value };
      }
    }
    groupStart += groupRows;
  }
}

/** Column names of a Parquet file, or null if it is not one. */
export async function parquetColumns(file: string): Promise<string[] | null> {
  try {
    const md = await parquetMetadataAsync(await fileAsyncBuffer(file));
    return md.schema.slice(1).map((s) => s.name);
  } catch {
    return null;
  }
}

/** The first bytes of a file (for format detection). */
export async function sniffBytes(file: string, bytes = 64 * 1024): Promise<Uint8Array> {
  const fh = await open(file, 'r');
  try {
    const out = new Uint8Array(bytes);
    const { bytesRead } = await fh.read(out, 0, bytes, 0);
    return out.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

/** The first CSV row of a file's head, or null when none fits in it. */
export async function sniffCsvHeader(file: string): Promise<string[] | null> {
  const head = await sniffBytes(file);
  for await (const row of parseCsv(bufferByteSource(head))) {
    return row.terminated && !row.error ? row.fields : null;
  }
  return null;
}

/** The first parseable JSON object among the first lines of a file, or null. */
export async function sniffJsonObject(file: string): Promise<Record<string, unknown> | null> {
  const head = new TextDecoder().decode(await sniffBytes(file));
  const lines = head.split('\n');
  for (const line of lines.slice(0, 5)) {
    if (line.trim() === '') continue;
    try {
      const v = JSON.parse(line) as unknown;
      if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
    } catch {
      // next line: the first may be cut or broken
    }
  }
  return null;
}

export async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

export async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/** Regular, non-hidden files directly in a directory, sorted by name. */
export async function listFiles(dir: string, extensions?: readonly string[]): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && !e.name.startsWith('.'))
    .filter((e) => !extensions || extensions.includes(extname(e.name).toLowerCase()))
    .map((e) => join(dir, e.name))
    .sort();
}

/** Split named by a file name (`..._train.csv`, `partial_test.jsonl`), or null. */
export function splitFromFileName(file: string): 'train' | 'test' | null {
  const name = basename(file).toLowerCase();
  if (/(^|[^a-z])(partial_)?test([^a-z]|$)/.test(name)) return 'test';
  if (/(^|[^a-z])train([^a-z]|$)/.test(name)) return 'train';
  return null;
}
