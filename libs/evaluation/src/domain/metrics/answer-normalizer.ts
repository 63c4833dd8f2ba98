// Python's str.split()/strip() whitespace, which differs from JS \s (\x1c-\x1f and \x85 yes, \ufeff no).
const PY_WS =
  '\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const PY_WS_RUN = new RegExp(`[${PY_WS}]+`, 'g');
const PY_WS_EDGES = new RegExp(`^[${PY_WS}]+|[${PY_WS}]+$`, 'g');
export const PY_WS_CLASS = PY_WS;

// Python's string.punctuation (ASCII only).
const PUNCTUATION = new Set('!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~');

// Python's `\b(a|an|the)\b` on str patterns is Unicode-aware; JS \b is ASCII-only, hence the lookarounds.
const ARTICLES = /(?<![\p{L}\p{N}_])(?:a|an|the)(?![\p{L}\p{N}_])/gu;

/** Python `s.strip()`. */
export function pyStrip(s: string): string {
  return s.replace(PY_WS_EDGES, '');
}

/** Python `s.split()` (no argument). */
export function pySplit(s: string): string[] {
  const t = pyStrip(s);
  return t === '' ? [] : t.split(PY_WS_RUN);
}

/**
 * SQuAD answer normalisation as in the reference `normalize_answer`: lower-case, drop ASCII punctuation,
 * replace the whole words a/an/the by a space, collapse whitespace.
 */
export function normalizeAnswer(s: string): string {
  const lower = s.toLowerCase();
  let noPunc = '';
  for (const ch of lower) if (!PUNCTUATION.has(ch)) noPunc += ch;
  return pySplit(noPunc.replace(ARTICLES, ' ')).join(' ');
}
