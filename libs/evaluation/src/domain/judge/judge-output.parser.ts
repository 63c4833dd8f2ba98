/** What the judge's raw output says: a score in [0, 1], or why there is none. */
export type JudgeParseResult =
  | { ok: true; score: number; /** The written value lay outside [0, 1]. */ clamped: boolean }
  | { ok: false; reason: string };

/** Lazy and across lines: the first `<answer>` pairs with the nearest `</answer>`. */
const ANSWER_TAG = /<answer>([\s\S]*?)<\/answer>/i;
/** A plain decimal (optionally signed, with exponent); no inf/nan, fractions or percentages. */
const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * Parses judge output as the paper does (§2): the first `<answer>…</answer>`, read as a number and clamped
 * to [0, 1]. Whitespace inside the tag is allowed. Anything else is not a score.
 */
export function parseJudgeOutput(raw: string): JudgeParseResult {
  const match = ANSWER_TAG.exec(raw);
  if (!match) return { ok: false, reason: 'no <answer>…</answer> tag in the judge output' };
  const inner = (match[1] ?? '').trim();
  if (inner === '') return { ok: false, reason: 'the <answer> tag is empty' };
  if (!DECIMAL.test(inner))
    return { ok: false, reason: `the <answer> tag holds "${inner.slice(0, 40)}", not a number` };
  const value = Number(inner);
  if (!Number.isFinite(value))
    return { ok: false, reason: `the <answer> value "${inner.slice(0, 40)}" is not finite` };
  const score = Math.min(1, Math.max(0, value));
  return { ok: true, score, clamped: score !== value };
}
