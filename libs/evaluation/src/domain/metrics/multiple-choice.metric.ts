import { PY_WS_CLASS, pyStrip } from './answer-normalizer';
import { MetricError, quote, scored, type MetricScore, type MetricVariant, type TextMetric } from './metric';

const PAPER_LETTER = new RegExp(`\\([${PY_WS_CLASS}]*[a-zA-Z][${PY_WS_CLASS}]*\\)`, 'g');
// Not preceded by a letter or digit, so "answer(s)" or "f(x)" is not read as option S or X.
const PARENTHESISED = /(?<![A-Za-z0-9])\(\s*([A-Za-z])\s*\)/g;
// "answer is B", "Answer: B", "the correct option is **C**", "choice = D".
const STATEMENT =
  /\b(?:answer|option|choice)\b\s*(?:is|:|=)?\s*(?:option|choice)?\s*[:-]?\s*[*_`"']*([A-Za-z])(?![A-Za-z0-9])(\s+[a-z])?/gi;
// A final line that is a single letter, optionally decorated: "B", "B.", "**B**", "B)", "[B]".
const BARE_LINE = /^[*_`"'([\s]*([A-Z])[*_`"')\].:\s]*$/;

export type LetterSource = 'parenthesised' | 'statement' | 'bare-line';

/** The reference `normalize_answer(pred, "mc")`: the raw last `\(\s*[a-zA-Z]\s*\)` match, or "". */
export function paperMcExtract(prediction: string): string {
  const all = prediction.match(PAPER_LETTER);
  return all === null ? '' : (all[all.length - 1] ?? '');
}

/**
 * The option letter the `fixed` variant reads from a response, first rule that finds one:
 * 1. the last parenthesised letter `(B)` / `( b )` not glued to a preceding letter or digit (the paper's rule);
 * 2. else the last statement "answer|option|choice [is|:|=] [option|choice] X" with X an upper-case letter not
 *    followed by a letter or digit ("A" or "I" followed by a lower-case word is English, not an option);
 * 3. else the last non-empty line when it is a single upper-case letter with only markup or punctuation around.
 */
export function extractOptionLetter(prediction: string): { letter: string; source: LetterSource } | null {
  const paren = [...prediction.matchAll(PARENTHESISED)].pop();
  if (paren?.[1]) return { letter: paren[1].toUpperCase(), source: 'parenthesised' };
  const statements = [...prediction.matchAll(STATEMENT)].filter((m) => {
    const letter = m[1] ?? '';
    if (letter !== letter.toUpperCase()) return false;
    return !((letter === 'A' || letter === 'I') && m[2] !== undefined);
  });
  const stmt = statements.pop();
  if (stmt?.[1]) return { letter: stmt[1], source: 'statement' };
  const lines = prediction.split('\n').filter((l) => l.trim() !== '');
  const bare = BARE_LINE.exec(lines[lines.length - 1] ?? '');
  if (bare?.[1]) return { letter: bare[1], source: 'bare-line' };
  return null;
}

/**
 * em_mc. `paper`: the last `\(\s*[a-zA-Z]\s*\)` in the raw response, lower-cased; 1 if `gt.strip().lower()` is a
 * substring of it (a bare "B" scores 0; an empty gt scores 1). `fixed`: {@link extractOptionLetter}, compared
 * case-insensitively with the gt letter, which must be a single letter (optionally in parentheses).
 */
export const multipleChoiceMetric: TextMetric = {
  name: 'em_mc',
  score(prediction: string, groundTruth: string, variant: MetricVariant): MetricScore {
    if (variant === 'paper') {
      const extracted = pyStrip(paperMcExtract(prediction)).toLowerCase();
      const gt = pyStrip(groundTruth).toLowerCase();
      if (extracted === '' && gt !== '')
        return { score: 0, reason: 'no parenthesised option letter in the response' };
      return scored(extracted.includes(gt), `response chose ${extracted}, expected ${quote(gt)}`);
    }
    const gtMatch = /^\(?\s*([A-Za-z])\s*\)?$/.exec(pyStrip(groundTruth));
    if (!gtMatch?.[1]) {
      throw new MetricError('groundTruth', `em_mc expects a single option letter, got ${quote(groundTruth)}`);
    }
    const expected = gtMatch[1].toUpperCase();
    const found = extractOptionLetter(prediction);
    if (found === null) return { score: 0, reason: 'no option letter found in the response' };
    return scored(
      found.letter === expected,
      `response chose ${found.letter} (${found.source}), expected ${expected}`,
    );
  },
};
