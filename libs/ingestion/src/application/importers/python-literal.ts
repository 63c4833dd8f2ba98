// Parsers for the Python reprs that pandas/torch exports leave in cells: lists of strings, pass@k dicts,
// numpy scalars and torch tensors. Each returns null when the text is not what it claims to be.

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  n: '\n',
  t: '\t',
  r: '\r',
  '\\': '\\',
  "'": "'",
  '"': '"',
  a: '\x07',
  b: '\b',
  f: '\f',
  v: '\v',
  '0': '\0',
  '\n': '',
};

/** Reads one Python string literal starting at `at` (a quote). Returns the value and the index after it. */
function readPyString(src: string, at: number): { value: string; end: number } | null {
  const quote = src[at];
  if (quote !== "'" && quote !== '"') return null;
  let out = '';
  let i = at + 1;
  while (i < src.length) {
    const c = src[i] as string;
    if (c === quote) return { value: out, end: i + 1 };
    if (c !== '\\') {
      // Copy the run up to the next quote or backslash at once.
      let j = i + 1;
      while (j < src.length && src[j] !== quote && src[j] !== '\\') j++;
      out += src.slice(i, j);
      i = j;
      continue;
    }
    const e = src[i + 1];
    if (e === undefined) return null;
    if (e === 'x' || e === 'u' || e === 'U') {
      const width = e === 'x' ? 2 : e === 'u' ? 4 : 8;
      const hex = src.slice(i + 2, i + 2 + width);
      if (hex.length !== width || !/^[0-9a-fA-F]+$/.test(hex)) return null;
      const cp = parseInt(hex, 16);
      if (cp > 0x10ffff) return null;
      out += String.fromCodePoint(cp);
      i += 2 + width;
    } else if (e in SIMPLE_ESCAPES) {
      out += SIMPLE_ESCAPES[e];
      i += 2;
    } else {
      // Python keeps unknown escapes verbatim.
      out += `\\${e}`;
      i += 2;
    }
  }
  return null;
}

/** `['a', "b"]` -> ['a', 'b']; null unless the whole text is a list of string literals. */
export function parsePythonStringList(text: string): string[] | null {
  const src = text.trim();
  if (!src.startsWith('[') || !src.endsWith(']')) return null;
  const items: string[] = [];
  let i = 1;
  const skipWs = (): void => {
    while (i < src.length && /\s/.test(src[i] as string)) i++;
  };
  skipWs();
  if (src[i] === ']') return i === src.length - 1 ? items : null;
  for (;;) {
    skipWs();
    const s = readPyString(src, i);
    if (!s) return null;
    items.push(s.value);
    i = s.end;
    skipWs();
    if (src[i] === ',') {
      i++;
      skipWs();
      if (src[i] === ']') return i === src.length - 1 ? items : null;
      continue;
    }
    return src[i] === ']' && i === src.length - 1 ? items : null;
  }
}

const NUMBER = String.raw`[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?|[-+]?(?:nan|inf|infinity)`;
const NP_SCALAR = new RegExp(
  String.raw`^np\.(?:float64|float32|float16|int64|int32)\(\s*(${NUMBER})\s*\)$`,
  'i',
);
const PASS_AT = new RegExp(
  String.raw`^\{\s*['"]pass@1['"]\s*:\s*(?:np\.(?:float64|float32)\(\s*(${NUMBER})\s*\)|(${NUMBER}))\s*,?\s*\}$`,
  'i',
);
const PLAIN = new RegExp(String.raw`^(?:${NUMBER})$`, 'i');

function toNumber(text: string): number {
  const t = text.toLowerCase().replace(/^\+/, '');
  if (t === 'nan' || t === '-nan') return NaN;
  if (t === 'inf' || t === 'infinity') return Infinity;
  if (t === '-inf' || t === '-infinity') return -Infinity;
  // -0 would not survive JSON (it prints as 0): normalise it here so records round-trip.
  const n = Number(t);
  return n === 0 ? 0 : n;
}

/**
 * A score or amount as LLMFusionBench stores it: a number, a numeric string, `np.float64(x)`, or a code task's
 * `{'pass@1': x}` (possibly `{'pass@1': np.float64(x)}`). Returns NaN for a written `nan`, null when the
 * value is none of these.
 */
export function parseLooseNumber(value: unknown): number | null {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value !== 'string') return null;
  const t = value.trim();
  if (t === '') return null;
  if (PLAIN.test(t)) return toNumber(t);
  const np = NP_SCALAR.exec(t);
  if (np?.[1] !== undefined) return toNumber(np[1]);
  const pass = PASS_AT.exec(t);
  const n = pass?.[1] ?? pass?.[2];
  return n !== undefined ? toNumber(n) : null;
}

/** Why a tensor string gave no vector. */
export type TensorParseFailure = 'not_a_tensor' | 'summarised' | 'bad_number';

/**
 * `tensor([0.1, -0.2, ...])` (optionally nested, with `device=`/`dtype=` arguments) -> numbers. torch
 * prints long tensors summarised with `...`, which cannot be recovered: reported as `summarised`.
 */
export function parseTensor(text: string): { values: number[] } | { failure: TensorParseFailure } {
  const m = /^\s*tensor\(\s*(\[[\s\S]*\])\s*(?:,\s*[a-z_]+\s*=[^)]*)?\)\s*$/i.exec(text);
  if (!m?.[1]) return { failure: 'not_a_tensor' };
  const body = m[1];
  if (body.includes('...')) return { failure: 'summarised' };
  const parts = body.replace(/[[\]]/g, ' ').split(',');
  const values: number[] = [];
  for (const p of parts) {
    const t = p.trim();
    if (t === '') continue;
    if (!PLAIN.test(t)) return { failure: 'bad_number' };
    values.push(toNumber(t));
  }
  return { values };
}
