import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { CliError } from './cli-error';

/** What `--format` accepts: `jsonl` is the canonical JSONL format (`canonical` works too). */
export const CLI_FORMATS = ['auto', 'fusionbench', 'routerbench', 'fastchat', 'jsonl'] as const;
export type CliFormat = 'auto' | 'fusionbench' | 'routerbench' | 'fastchat' | 'canonical';

/** `--format` to an importer format name. */
export function parseFormat(value: string | undefined): CliFormat {
  const v = (value ?? 'auto').trim().toLowerCase();
  if (v === 'jsonl' || v === 'canonical') return 'canonical';
  if (v === 'auto' || v === 'fusionbench' || v === 'routerbench' || v === 'fastchat') return v;
  throw CliError.usage(`unknown format '${value}': use --format ${CLI_FORMATS.join('|')}`);
}

export function parseInteger(
  flag: string,
  value: unknown,
  opts: { min?: number; max?: number } = {},
): number {
  const text = String(value).trim();
  const n = /^[-+]?\d+$/.test(text) ? Number(text) : NaN;
  const { min, max } = opts;
  if (!Number.isSafeInteger(n) || (min !== undefined && n < min) || (max !== undefined && n > max)) {
    const range =
      min !== undefined && max !== undefined
        ? ` from ${min} to ${max}`
        : min !== undefined
          ? ` >= ${min}`
          : max !== undefined
            ? ` <= ${max}`
            : '';
    throw CliError.usage(`bad ${flag} '${text}': use a whole number${range}`);
  }
  return n;
}

export function parseNumber(
  flag: string,
  value: unknown,
  opts: { min?: number; max?: number; exclusive?: boolean } = {},
): number {
  const text = String(value).trim();
  const n = text === '' ? NaN : Number(text);
  const { min, max, exclusive } = opts;
  const below = min !== undefined && (exclusive ? n <= min : n < min);
  const above = max !== undefined && (exclusive ? n >= max : n > max);
  if (!Number.isFinite(n) || below || above) {
    const range =
      min !== undefined && max !== undefined
        ? exclusive
          ? ` strictly between ${min} and ${max}`
          : ` from ${min} to ${max}`
        : min !== undefined
          ? ` >= ${min}`
          : '';
    throw CliError.usage(`bad ${flag} '${text}': use a number${range}`);
  }
  return n;
}

/** A comma-separated list (repeatable flags are joined first); empty items dropped. */
export function parseList(value: string | readonly string[] | undefined): string[] {
  const parts = Array.isArray(value) ? value : value === undefined ? [] : [value as string];
  return parts
    .flatMap((p) => p.split(','))
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/** Collects a repeatable option into an array (commander's reducer). */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** The absolute path of an input that must exist. */
export function existingPath(flag: string, value: string): string {
  const abs = resolve(value);
  if (!existsSync(abs)) {
    throw CliError.usage(
      `file not found: ${value}${value === abs ? '' : ` (${abs})`}: check the ${flag ? `${flag} ` : ''}path`,
    );
  }
  return abs;
}
