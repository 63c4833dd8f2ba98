import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import type { LogRecord } from '@fusion/contracts';
import { toCanonicalJsonLine } from '../../domain/canonical-format';

/**
 * Writes records to a canonical JSONL file (one line each, fields in canonical order), streaming with
 * backpressure. Returns how many records were written.
 */
export async function exportCanonicalJsonl(
  records: AsyncIterable<LogRecord> | Iterable<LogRecord>,
  path: string,
): Promise<number> {
  const out = createWriteStream(path, { encoding: 'utf8' });
  let written = 0;
  try {
    for await (const record of records) {
      if (!out.write(`${toCanonicalJsonLine(record)}\n`)) await once(out, 'drain');
      written++;
    }
  } finally {
    out.end();
    await once(out, 'close');
  }
  return written;
}
