import { pyStrip } from './answer-normalizer';
import { lastBoxedContent } from './hendrycks-math';
import { MetricError, quote, scored, type MetricScore, type MetricVariant, type TextMetric } from './metric';

const PAPER_NUMBER = /-?[0-9.,]+/g;
// A number as written in prose: optional sign and $, thousands commas, decimals; "18." keeps only "18".
const NUMBER = /(?<![\d.])[-\u2212]?\$?[-\u2212]?(?:\d[\d,]*(?:\.\d+)?|\.\d+)/g;
const ANSWER_WORD = /\banswer\b/gi;

export type NumberSource = '####' | 'boxed' | 'answer statement' | 'last number';

function toNumber(raw: string): number | null {
  const cleaned = raw
    .replace(/[$,]/g, '')
    .replace(/\u2212/g, '-')
    .replace(/^--/, '-');
  if (!/^-?(?:\d+(?:\.\d+)?|\.\d+)$/.test(cleaned)) return null;
  const n = Number(cleaned);
  return Number.isFinite(n) ? n : null;
}

function firstNumber(text: string): number | null {
  for (const m of text.matchAll(NUMBER)) {
    const n = toNumber(m[0]);
    if (n !== null) return n;
  }
  return null;
}

/** The gold answer: the text after the last `####` (or the whole string when there is none), as a number. */
export function gsm8kGold(groundTruth: string): number {
  const tail = groundTruth.includes('####') ? (groundTruth.split('####').pop() ?? '') : groundTruth;
  const n = toNumber(pyStrip(tail)) ?? firstNumber(tail);
  if (n === null)
    throw new MetricError('groundTruth', `no number after the last "####" in ${quote(groundTruth)}`);
  return n;
}

/**
 * The number the `fixed` variant reads from a response, first rule that finds one:
 * 1. the first number after the last `####`;
 * 2. else the first number inside the last `\boxed{}` / `\fbox{}`;
 * 3. else the first number after the last word "answer" on that same line ("The answer is $1,200.");
 * 4. else the last number in the response.
 * `$` and thousands commas are dropped; "18.00" is the number 18.
 */
export function extractGsm8kNumber(prediction: string): { value: number; source: NumberSource } | null {
  if (prediction.includes('####')) {
    const n = firstNumber(prediction.split('####').pop() ?? '');
    if (n !== null) return { value: n, source: '####' };
  }
  const boxed = lastBoxedContent(prediction);
  if (boxed !== null) {
    const n = firstNumber(boxed);
    if (n !== null) return { value: n, source: 'boxed' };
  }
  for (const m of [...prediction.matchAll(ANSWER_WORD)].reverse()) {
    const rest = prediction.slice((m.index ?? 0) + m[0].length).split('\n')[0] ?? '';
    const n = firstNumber(rest);
    if (n !== null) return { value: n, source: 'answer statement' };
  }
  let last: number | null = null;
  for (const m of prediction.matchAll(NUMBER)) last = toNumber(m[0]) ?? last;
  return last === null ? null : { value: last, source: 'last number' };
}

/** The reference implementation, flaw included: "." is deleted, so "18.00" becomes "1800" and misses "18". */
export function gsm8kPaper(prediction: string, groundTruth: string): MetricScore {
  const strip = (s: string): string => pyStrip(s.replace(/,/g, '').replace(/\$/g, '').replace(/\./g, ''));
  const gt = strip(groundTruth.split('####').pop() ?? '');
  const found = prediction.match(PAPER_NUMBER);
  if (found === null) return { score: 0, reason: 'no number in the response' };
  // Last match that is not "" or "."; when all are, Python's loop variable is left at the first match.
  let chosen = found[0] ?? '';
  for (let i = found.length - 1; i >= 0; i--) {
    const candidate = found[i] ?? '';
    chosen = candidate;
    if (candidate !== '' && candidate !== '.') break;
  }
  const answer = strip(chosen);
  return scored(answer === gt, `last number ${quote(chosen)} -> ${quote(answer)}, expected ${quote(gt)}`);
}

/** GSM8K. `paper`: string equality after deleting `,` `$` `.`. `fixed`: numeric equality, see extractGsm8kNumber. */
export const gsm8kMetric: TextMetric = {
  name: 'gsm8k',
  score(prediction: string, groundTruth: string, variant: MetricVariant): MetricScore {
    if (variant === 'paper') return gsm8kPaper(prediction, groundTruth);
    const gold = gsm8kGold(groundTruth);
    const found = extractGsm8kNumber(prediction);
    if (found === null) return { score: 0, reason: 'no number in the response' };
    return scored(found.value === gold, `read ${found.value} (${found.source}), expected ${gold}`);
  },
};
