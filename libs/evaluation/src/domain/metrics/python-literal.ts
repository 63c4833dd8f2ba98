const SIMPLE_ESCAPES: Record<string, string> = {
  '\\': '\\',
  "'": "'",
  '"': '"',
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  '\n': '', // backslash-newline continues the literal
};

/**
 * Parses a Python list of string literals, as `str(list)` writes it (`['assert f(1) == 2', "assert ..."]`);
 * JSON arrays of strings are accepted too. Returns null when the text is anything else.
 */
export function parsePythonStringList(text: string): string[] | null {
  let i = 0;
  const s = text;
  const ws = (): void => {
    while (i < s.length && /\s/.test(s[i] ?? '')) i++;
  };
  ws();
  if (s[i] !== '[') return null;
  i++;
  const out: string[] = [];
  ws();
  if (s[i] === ']') {
    i++;
    ws();
    return i === s.length ? out : null;
  }
  for (;;) {
    ws();
    const lit = readString();
    if (lit === null) return null;
    out.push(lit);
    ws();
    if (s[i] === ',') {
      i++;
      ws();
      if (s[i] === ']') break;
      continue;
    }
    if (s[i] === ']') break;
    return null;
  }
  i++;
  ws();
  return i === s.length ? out : null;

  function readString(): string | null {
    let raw = false;
    while (
      /[rRuU]/.test(s[i] ?? '') &&
      (s[i + 1] === "'" || s[i + 1] === '"' || /[rRuU]/.test(s[i + 1] ?? ''))
    ) {
      if (s[i] === 'r' || s[i] === 'R') raw = true;
      i++;
    }
    const q = s[i];
    if (q !== "'" && q !== '"') return null;
    const triple = s.startsWith(q.repeat(3), i);
    const close = triple ? q.repeat(3) : q;
    i += close.length;
    let value = '';
    while (i < s.length) {
      if (s.startsWith(close, i)) {
        i += close.length;
        return value;
      }
      const c = s[i] ?? '';
      if (!triple && c === '\n') return null;
      if (c !== '\\') {
        value += c;
        i++;
        continue;
      }
      const n = s[i + 1];
      if (n === undefined) return null;
      if (raw) {
        value += c + n;
        i += 2;
        continue;
      }
      const simple = SIMPLE_ESCAPES[n];
      if (simple !== undefined) {
        value += simple;
        i += 2;
        continue;
      }
      const hex = (len: number): string | null => {
        const h = s.slice(i + 2, i + 2 + len);
        if (h.length !== len || !/^[0-9a-fA-F]+$/.test(h)) return null;
        const cp = parseInt(h, 16);
        if (cp > 0x10ffff) return null;
        i += 2 + len;
        return String.fromCodePoint(cp);
      };
      if (n === 'x' || n === 'u' || n === 'U') {
        const ch = hex(n === 'x' ? 2 : n === 'u' ? 4 : 8);
        if (ch === null) return null;
        value += ch;
        continue;
      }
      const oct = /^[0-7]{1,3}/.exec(s.slice(i + 1, i + 4));
      if (oct) {
        value += String.fromCodePoint(parseInt(oct[0], 8));
        i += 1 + oct[0].length;
        continue;
      }
      if (n === 'N') return null; // named escapes need the Unicode name table; never seen in MBPP tests
      value += c + n; // Python keeps unknown escapes verbatim
      i += 2;
    }
    return null;
  }
}
