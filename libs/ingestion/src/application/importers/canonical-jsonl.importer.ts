import { extname } from 'node:path';
import { CANONICAL_FIELDS, CANONICAL_TO_RECORD_KEY } from '../../domain/canonical-format';
import { RejectionReason } from '../../domain/rejection-reason';
import { FUSIONBENCH_ONLY_COLUMNS } from './fusionbench.columns';
import type { Detection, ImportContext, ImportItem, LogImporter } from './log-importer.port';
import { isFile, jsonlValues, reject, sniffJsonObject } from './source-rows';
import { validatedItem } from './validated-item';

const JSONL_EXTENSIONS = ['.jsonl', '.ndjson', '.json'];
const KNOWN_KEYS = new Set<string>([...CANONICAL_FIELDS, ...Object.values(CANONICAL_TO_RECORD_KEY)]);

/** The project's canonical JSONL (see `CANONICAL_FIELDS`): one record per line, validated as is. */
export class CanonicalJsonlImporter implements LogImporter {
  readonly format = 'canonical' as const;

  async detect(path: string): Promise<Detection | null> {
    if (!(await isFile(path))) return null;
    const first = await sniffJsonObject(path).catch(() => null);
    if (!first) return null;
    const keys = Object.keys(first);
    if (keys.some((k) => FUSIONBENCH_ONLY_COLUMNS.has(k))) return null;
    if (!('query' in first) || !('llm' in first)) return null;
    const known = keys.filter((k) => KNOWN_KEYS.has(k)).length / Math.max(1, keys.length);
    const ext = JSONL_EXTENSIONS.includes(extname(path).toLowerCase()) ? 0.1 : 0;
    return {
      format: this.format,
      confidence: 0.6 + 0.3 * known + ext,
      reason: 'JSON lines with query and llm fields',
    };
  }

  async *read(path: string, ctx: ImportContext): AsyncGenerator<ImportItem> {
    for await (const item of jsonlValues(path, ctx)) {
      if (item.kind === 'rejected') {
        yield item;
        continue;
      }
      const v = item.value;
      if (v === null || typeof v !== 'object' || Array.isArray(v)) {
        yield reject(
          item.origin,
          RejectionReason.InvalidType,
          '(record)',
          `must be a JSON object, got ${Array.isArray(v) ? 'an array' : v === null ? 'null' : `a ${typeof v}`}`,
        );
        continue;
      }
      yield validatedItem(ctx, v as Record<string, unknown>, item.origin);
    }
  }
}
