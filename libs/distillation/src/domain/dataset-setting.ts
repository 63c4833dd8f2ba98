import { DomainError } from '@fusion/shared/kernel';

/**
 * How responses are ranked for SFT (paper §5): `perf`, `judge` and `hybrid` are "Top-K Router SFT",
 * `baseline` is "Top-K Label only SFT" (gold records only).
 */
export type DistillationSetting = 'perf' | 'judge' | 'hybrid' | 'baseline';
export const DISTILLATION_SETTINGS: readonly DistillationSetting[] = ['perf', 'judge', 'hybrid', 'baseline'];
export const DEFAULT_SETTING: DistillationSetting = 'hybrid';
export const DEFAULT_SFT_TOP_K = 5;
export const MAX_SFT_TOP_K = 100;

/** The setting named by `value` (empty = hybrid); INVALID_ARGUMENT on `setting` otherwise. */
export function parseSetting(value: string): DistillationSetting {
  const v = value.trim().toLowerCase();
  if (v === '') return DEFAULT_SETTING;
  if ((DISTILLATION_SETTINGS as readonly string[]).includes(v)) return v as DistillationSetting;
  throw DomainError.invalidArgument(
    'setting',
    `unknown setting '${value}'; use ${DISTILLATION_SETTINGS.join(', ')}`,
  );
}

/** `top_k`: 0 means `fallback` (default 5); otherwise 1..100, else INVALID_ARGUMENT. */
export function parseSftTopK(value: number, fallback = DEFAULT_SFT_TOP_K): number {
  if (value === 0) return fallback;
  if (!Number.isInteger(value) || value < 1 || value > MAX_SFT_TOP_K) {
    throw DomainError.invalidArgument(
      'top_k',
      `must be between 1 and ${MAX_SFT_TOP_K} (0 for the default ${fallback}), got ${value}`,
    );
  }
  return value;
}
