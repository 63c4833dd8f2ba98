import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { isDomainError } from '@fusion/shared/kernel';
import { parseBackendEntries, type BackendEntry } from '../../application/backends/backend-config';

/**
 * Reads FUSION_BACKENDS_FILE: JSON (what the Helm chart mounts) or YAML (`.yaml`/`.yml`, or any file that is not
 * JSON). Errors name the file and the bad entry's field.
 */
export function loadBackendsFile(path: string): BackendEntry[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new Error(`FUSION_BACKENDS_FILE ${path}: cannot be read: ${(err as Error).message}`, {
      cause: err,
    });
  }
  let raw: unknown;
  const ext = extname(path).toLowerCase();
  try {
    raw = ext === '.yaml' || ext === '.yml' ? parseYaml(text) : parseJsonOrYaml(text);
  } catch (err) {
    throw new Error(`FUSION_BACKENDS_FILE ${path}: not valid JSON or YAML: ${(err as Error).message}`, {
      cause: err,
    });
  }
  try {
    return parseBackendEntries(raw, 'backends');
  } catch (err) {
    if (isDomainError(err)) throw new Error(`FUSION_BACKENDS_FILE ${path}: ${err.message}`, { cause: err });
    throw err;
  }
}

function parseJsonOrYaml(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return parseYaml(text);
  }
}
