import { RejectionReason } from '../../domain/rejection-reason';
import type { ByteSource } from './byte-source';

/** A field that could not be kept: over the byte cap, or not valid UTF-8. Its value reads as ''. */
export interface CsvFieldIssue {
  /** 0-based column. */
  column: number;
  reason: RejectionReason.FieldTooLarge | RejectionReason.InvalidUtf8;
  /** Size of the field in bytes. */
  bytes: number;
}

/** One CSV record (row), which may span several physical lines. */
export interface CsvRow {
  /** 0-based record index: 0 is the header of a file with one. Blank lines are not counted. */
  index: number;
  /** 1-based physical line the row starts on. */
  line: number;
  fields: string[];
  issues: CsvFieldIssue[];
  /** Set when the row as a whole is unusable (an unterminated quote, too many fields). */
  error?: { reason: RejectionReason; message: string };
  /** False when the input ended inside this row without a line break. */
  terminated: boolean;
}

export interface CsvParseOptions {
  /** Per-field cap in bytes: longer fields are measured, not buffered (default 1 MiB). */
  maxFieldBytes?: number;
  /** Most fields kept per row (default 10,000). */
  maxFields?: number;
  /** How often to re-parse after an unterminated quote before giving up on the rest (default 1,000). */
  maxRestarts?: number;
}

/** What a parse did, for callers that check its bounds. */
export interface CsvParseStats {
  /** The most bytes held for one field at any time (bounded by `maxFieldBytes`). */
  maxBufferedFieldBytes: number;
  restarts: number;
}

const QUOTE = 0x22;
const COMMA = 0x2c;
const NL = 0x0a;
const CR = 0x0d;

const BOM_LENGTH = 3;

function isBom(b: Uint8Array): boolean {
  return b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf;
}

/** The chunks without a leading UTF-8 BOM, however the first bytes are split across chunks. */
async function* withoutBom(
  chunks: AsyncIterable<Uint8Array>,
  onStripped: () => void,
): AsyncGenerator<Uint8Array> {
  let head = new Uint8Array(0);
  let decided = false;
  for await (const chunk of chunks) {
    if (decided) {
      yield chunk;
      continue;
    }
    const joined = new Uint8Array(head.length + chunk.length);
    joined.set(head);
    joined.set(chunk, head.length);
    head = joined;
    if (head.length < BOM_LENGTH) continue;
    decided = true;
    if (isBom(head)) {
      onStripped();
      yield head.subarray(BOM_LENGTH);
    } else yield head;
  }
  if (!decided && head.length > 0) yield head;
}

const enum State {
  FieldStart,
  Unquoted,
  Quoted,
  AfterQuote,
}

/**
 * Streaming RFC 4180 parser over bytes: quoted fields with `""` escapes and line breaks, CRLF or LF, a
 * leading BOM, a per-field byte cap, invalid UTF-8 flagged per field (fatal decoding). Lenient where
 * Python's csv module is (a stray quote inside an unquoted field is text). An unterminated quote swallows
 * the rest of the input, so on reaching the end inside quotes it reports that row and parses again from the
 * line after the opening quote: later rows still come through.
 */
export async function* parseCsv(
  source: ByteSource,
  opts: CsvParseOptions = {},
  stats: CsvParseStats = { maxBufferedFieldBytes: 0, restarts: 0 },
): AsyncGenerator<CsvRow> {
  const maxFieldBytes = opts.maxFieldBytes ?? 1024 * 1024;
  const maxFields = opts.maxFields ?? 10_000;
  const maxRestarts = opts.maxRestarts ?? 1000;
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

  let buf = new Uint8Array(1024);
  let len = 0;
  let fieldBytes = 0;
  let fieldOversized = false;
  let fields: string[] = [];
  let issues: CsvFieldIssue[] = [];
  let quotedSeen = false;
  let tooManyFields = false;
  let index = 0;

  const push = (b: number): void => {
    fieldBytes++;
    if (fieldOversized) return;
    if (len >= maxFieldBytes) {
      fieldOversized = true;
      return;
    }
    if (len === buf.length) {
      const grown = new Uint8Array(Math.min(buf.length * 2, Math.max(maxFieldBytes, 1)));
      grown.set(buf);
      buf = grown;
    }
    buf[len++] = b;
    if (len > stats.maxBufferedFieldBytes) stats.maxBufferedFieldBytes = len;
  };

  // Bulk copy of a run of field bytes (the quoted-field fast path).
  const pushRange = (chunk: Uint8Array, from: number, to: number): void => {
    const count = to - from;
    fieldBytes += count;
    if (fieldOversized || count === 0) return;
    const room = maxFieldBytes - len;
    if (count > room) {
      fieldOversized = true;
      return;
    }
    if (len + count > buf.length) {
      let size = buf.length;
      while (size < len + count) size *= 2;
      const grown = new Uint8Array(Math.min(size, Math.max(maxFieldBytes, 1)));
      grown.set(buf.subarray(0, len));
      buf = grown;
    }
    buf.set(chunk.subarray(from, to), len);
    len += count;
    if (len > stats.maxBufferedFieldBytes) stats.maxBufferedFieldBytes = len;
  };

  const endField = (): void => {
    const column = fields.length;
    if (column >= maxFields) tooManyFields = true;
    else if (fieldOversized) {
      issues.push({ column, reason: RejectionReason.FieldTooLarge, bytes: fieldBytes });
      fields.push('');
    } else {
      try {
        fields.push(decoder.decode(buf.subarray(0, len)));
      } catch {
        issues.push({ column, reason: RejectionReason.InvalidUtf8, bytes: fieldBytes });
        fields.push('');
      }
    }
    len = 0;
    fieldBytes = 0;
    fieldOversized = false;
  };

  const takeRow = (line: number, terminated: boolean): CsvRow | null => {
    const blank = fields.length === 1 && fields[0] === '' && issues.length === 0 && !quotedSeen;
    const row: CsvRow = { index, line, fields, issues, terminated };
    if (tooManyFields) {
      row.error = { reason: RejectionReason.MalformedRow, message: `has more than ${maxFields} fields` };
    }
    fields = [];
    issues = [];
    quotedSeen = false;
    tooManyFields = false;
    if (blank) return null;
    index++;
    return row;
  };

  let startOffset = 0;
  let startLine = 1;
  for (;;) {
    let state = State.FieldStart;
    let line = startLine;
    let rowLine = startLine;
    let pendingCr = false;
    let quoteLine = 0;
    let quoteNewlineAt = -1;
    let offset = startOffset;
    const chunks =
      startOffset === 0 ? withoutBom(source(0), () => (offset = BOM_LENGTH)) : source(startOffset);

    for await (const chunk of chunks) {
      let i = 0;
      const n = chunk.length;
      for (; i < n; i++) {
        const b = chunk[i] as number;
        if (pendingCr) {
          pendingCr = false;
          if (b !== NL) {
            push(CR);
            state = State.Unquoted;
          }
        }
        switch (state) {
          case State.FieldStart:
          case State.Unquoted:
            if (b === COMMA) {
              endField();
              state = State.FieldStart;
            } else if (b === NL) {
              endField();
              line++;
              const row = takeRow(rowLine, true);
              if (row) yield row;
              rowLine = line;
              state = State.FieldStart;
            } else if (b === CR) {
              if (i + 1 < n) {
                if (chunk[i + 1] !== NL) {
                  push(CR);
                  state = State.Unquoted;
                }
              } else pendingCr = true;
            } else if (b === QUOTE && state === State.FieldStart) {
              state = State.Quoted;
              quotedSeen = true;
              quoteLine = line;
              quoteNewlineAt = -1;
            } else {
              push(b);
              state = State.Unquoted;
            }
            break;
          case State.Quoted: {
            if (b === QUOTE) {
              state = State.AfterQuote;
              break;
            }
            // Copy up to the next quote in one go, counting the line breaks inside.
            const q = chunk.indexOf(QUOTE, i);
            const stop = q === -1 ? n : q;
            for (let nl = chunk.indexOf(NL, i); nl !== -1 && nl < stop; nl = chunk.indexOf(NL, nl + 1)) {
              line++;
              if (quoteNewlineAt < 0) quoteNewlineAt = offset + nl;
            }
            pushRange(chunk, i, stop);
            i = stop - 1;
            break;
          }
          case State.AfterQuote:
            if (b === QUOTE) {
              push(QUOTE);
              state = State.Quoted;
            } else if (b === COMMA) {
              endField();
              state = State.FieldStart;
            } else if (b === NL) {
              endField();
              line++;
              const row = takeRow(rowLine, true);
              if (row) yield row;
              rowLine = line;
              state = State.FieldStart;
            } else if (b !== CR) {
              push(b);
              state = State.Unquoted;
            }
            break;
        }
      }
      offset += n;
    }

    if (state !== State.Quoted) {
      if (state !== State.FieldStart || fields.length > 0) {
        endField();
        const row = takeRow(rowLine, false);
        if (row) yield row;
      }
      return;
    }

    // End of input inside quotes: report the row, then resume after the line that opened the quote.
    const bad: CsvRow = {
      index: index++,
      line: rowLine,
      fields: [],
      issues: [],
      error: {
        reason: RejectionReason.UnterminatedQuote,
        message: `has a quote opened on line ${quoteLine} that is never closed`,
      },
      terminated: false,
    };
    fields = [];
    issues = [];
    len = 0;
    fieldBytes = 0;
    fieldOversized = false;
    quotedSeen = false;
    tooManyFields = false;
    yield bad;
    if (quoteNewlineAt < 0 || stats.restarts >= maxRestarts) return;
    stats.restarts++;
    startOffset = quoteNewlineAt + 1;
    startLine = quoteLine + 1;
  }
}
