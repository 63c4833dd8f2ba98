import type { ByteSource } from './byte-source';

/** One physical line of a text file, decoded when it can be. */
export interface RawLine {
  /** 1-based line number. */
  line: number;
  /** Length in bytes, without the line break. */
  bytes: number;
  /** The text; null when the line is over the size cap or is not valid UTF-8. */
  text: string | null;
  oversized: boolean;
  invalidUtf8: boolean;
  /**
   * Lossy text for diagnostics when `text` is null: the whole line for invalid UTF-8 (U+FFFD where bytes were
   * bad), the first few KiB of an oversized line.
   */
  lossy: string;
  /** False for a last line that the file ends without a line break. */
  terminated: boolean;
}

const NL = 0x0a;
const CR = 0x0d;
const PREVIEW_BYTES = 4096;

function concat(parts: Uint8Array[], length: number): Uint8Array {
  if (parts.length === 1 && parts[0]) return parts[0];
  const out = new Uint8Array(length);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * Streams the lines of a source in constant memory: a line longer than `maxLineBytes` is measured and
 * skipped (only a short preview is kept), never buffered. Strips a UTF-8 BOM and CRLF line ends.
 */
export async function* readLines(
  source: ByteSource,
  opts: { maxLineBytes: number },
): AsyncGenerator<RawLine> {
  const fatal = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  const lossy = new TextDecoder('utf-8', { ignoreBOM: true });
  let parts: Uint8Array[] = [];
  let kept = 0;
  let total = 0;
  let oversized = false;
  let line = 0;

  const append = (seg: Uint8Array): void => {
    if (seg.length === 0) return;
    total += seg.length;
    if (oversized) return;
    if (kept + seg.length > opts.maxLineBytes) {
      oversized = true;
      const head = concat(parts, kept).subarray(0, PREVIEW_BYTES);
      const room = PREVIEW_BYTES - head.length;
      parts = room > 0 ? [head, seg.subarray(0, room)] : [head];
      kept = parts.reduce((n, p) => n + p.length, 0);
      return;
    }
    // Copy: a source may reuse its chunk buffer.
    parts.push(seg.slice());
    kept += seg.length;
  };

  const finish = (terminated: boolean): RawLine => {
    line += 1;
    let bytes = concat(parts, kept);
    let length = total;
    if (line === 1 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
      bytes = bytes.subarray(3);
      length -= 3;
    }
    if (!oversized && bytes.length > 0 && bytes[bytes.length - 1] === CR) {
      bytes = bytes.subarray(0, bytes.length - 1);
      length -= 1;
    }
    parts = [];
    kept = 0;
    total = 0;
    const wasOversized = oversized;
    oversized = false;
    if (wasOversized) {
      return {
        line,
        bytes: length,
        text: null,
        oversized: true,
        invalidUtf8: false,
        lossy: lossy.decode(bytes),
        terminated,
      };
    }
    try {
      return {
        line,
        bytes: length,
        text: fatal.decode(bytes),
        oversized: false,
        invalidUtf8: false,
        lossy: '',
        terminated,
      };
    } catch {
      return {
        line,
        bytes: length,
        text: null,
        oversized: false,
        invalidUtf8: true,
        lossy: lossy.decode(bytes),
        terminated,
      };
    }
  };

  for await (const chunk of source(0)) {
    let pos = 0;
    while (pos <= chunk.length) {
      const nl = chunk.indexOf(NL, pos);
      if (nl === -1) {
        append(chunk.subarray(pos));
        break;
      }
      append(chunk.subarray(pos, nl));
      yield finish(true);
      pos = nl + 1;
    }
  }
  if (total > 0) yield finish(false);
}
