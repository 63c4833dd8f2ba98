/**
 * The Hendrycks MATH answer normalisation (`strip_string`, `is_equiv`) and boxed-answer extraction, ported from
 * the reference `math_eval.py` (EleutherAI lm-eval-harness). Where the Python raises (IndexError,
 * AssertionError, ValueError), this port throws {@link HendrycksError} at the same point, because callers
 * depend on it: `is_equiv` then falls back to raw string equality, the MATH metric scores 0.
 */
export class HendrycksError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HendrycksError';
  }
}

/** Python-style indexing by code point (JS strings index UTF-16 units). */
function cps(s: string): string[] {
  return Array.from(s);
}

function at(s: string, i: number, what: string): string {
  const c = cps(s)[i];
  if (c === undefined) throw new HendrycksError(`IndexError in ${what}`);
  return c;
}

/** Reference `last_boxed_only_string`: any "\boxed " (with a space) wins, even before a later "\boxed{". */
export function paperLastBoxedOnlyString(s: string): string | null {
  let idx = s.lastIndexOf('\\boxed');
  if (s.includes('\\boxed ')) {
    const after = s.split('\\boxed ').pop() ?? '';
    return '\\boxed ' + (after.split('$')[0] ?? '');
  }
  if (idx < 0) {
    idx = s.lastIndexOf('\\fbox');
    if (idx < 0) return null;
  }
  return braceMatchedFrom(s, idx);
}

function braceMatchedFrom(s: string, idx: number): string | null {
  let open = 0;
  for (let i = idx; i < s.length; i++) {
    if (s[i] === '{') open += 1;
    if (s[i] === '}') {
      open -= 1;
      if (open === 0) return s.slice(idx, i + 1);
    }
  }
  return null;
}

/** Reference `remove_boxed`: only knows "\boxed " and "\boxed{...}", so a `\fbox{...}` answer throws. */
export function paperRemoveBoxed(s: string): string {
  if (s.includes('\\boxed ')) {
    if (!s.startsWith('\\boxed ')) throw new HendrycksError('AssertionError in remove_boxed');
    return s.slice('\\boxed '.length);
  }
  const left = '\\boxed{';
  if (!s.startsWith(left)) throw new HendrycksError('AssertionError in remove_boxed');
  if (!s.endsWith('}')) throw new HendrycksError('AssertionError in remove_boxed');
  return s.slice(left.length, -1);
}

/**
 * The content of the last `\boxed{...}`, `\fbox{...}` or `\boxed x` in `s` (whichever comes last), or null.
 * Braces are matched; `\boxed {x}` counts as braced. For `\boxed x` the content runs to the first whitespace or
 * `$`, without a trailing "." or ",". An unbalanced last box yields null.
 */
export function lastBoxedContent(s: string): string | null {
  const idx = Math.max(s.lastIndexOf('\\boxed'), s.lastIndexOf('\\fbox'));
  if (idx < 0) return null;
  const commandEnd = idx + (s.startsWith('\\boxed', idx) ? '\\boxed'.length : '\\fbox'.length);
  let j = commandEnd;
  while (s[j] === ' ') j++;
  if (s[j] === '{') {
    const braced = braceMatchedFrom(s, j);
    return braced === null ? null : braced.slice(1, -1);
  }
  if (j === commandEnd) return null; // "\boxedx" is another command, not a box
  const token = s.slice(j).split(/[\s$]/)[0] ?? '';
  const content = token.replace(/[.,]$/, '');
  return content === '' ? null : content;
}

function fixFracs(string: string): string {
  const substrs = string.split('\\frac');
  let out = substrs[0] ?? '';
  for (const substr of substrs.slice(1)) {
    out += '\\frac';
    if (at(substr, 0, 'fix_fracs') === '{') {
      out += substr;
      continue;
    }
    const chars = cps(substr);
    if (chars.length < 2) return string;
    const a = chars[0] ?? '';
    const b = chars[1] ?? '';
    const post = chars.slice(2).join('');
    out += b !== '{' ? `{${a}}{${b}}${post}` : `{${a}}${b}${post}`;
  }
  return out;
}

const PY_INT = /^[\t\n\v\f\r ]*([+-]?)(\d+(?:_\d+)*)[\t\n\v\f\r ]*$/;

/** Python `str(int(s))`; throws where `int()` raises ValueError. */
function pyIntString(s: string): string {
  const m = PY_INT.exec(s);
  if (!m) throw new HendrycksError(`ValueError: invalid literal for int(): ${s}`);
  return BigInt(`${m[1] ?? ''}${(m[2] ?? '').replace(/_/g, '')}`).toString();
}

function fixASlashB(string: string): string {
  const parts = string.split('/');
  if (parts.length !== 2) return string;
  const a = pyIntString(parts[0] ?? '');
  const b = pyIntString(parts[1] ?? '');
  if (string !== `${a}/${b}`) return string;
  return `\\frac{${a}}{${b}}`;
}

function removeRightUnits(string: string): string {
  if (!string.includes('\\text{ ')) return string;
  const splits = string.split('\\text{ ');
  if (splits.length !== 2) throw new HendrycksError('AssertionError in remove_right_units');
  return splits[0] ?? '';
}

function fixSqrt(string: string): string {
  if (!string.includes('\\sqrt')) return string;
  const splits = string.split('\\sqrt');
  let out = splits[0] ?? '';
  for (const split of splits.slice(1)) {
    const first = at(split, 0, 'fix_sqrt');
    out += first !== '{' ? `\\sqrt{${first}}${cps(split).slice(1).join('')}` : `\\sqrt${split}`;
  }
  return out;
}

/** Hendrycks `strip_string`, all nine steps in the reference order. Throws HendrycksError where Python raises. */
export function stripString(input: string): string {
  // 1. line breaks, inverse spaces, "\\" -> "\"
  let s = input.replaceAll('\n', '').replaceAll('\\!', '').replaceAll('\\\\', '\\');
  // 2. tfrac/dfrac -> frac
  s = s.replaceAll('tfrac', 'frac').replaceAll('dfrac', 'frac');
  // 3. \left, \right, degrees, \$ (percent comes after the unit cut, as in the reference)
  s = s.replaceAll('\\left', '').replaceAll('\\right', '');
  s = s.replaceAll('^{\\circ}', '').replaceAll('^\\circ', '');
  s = s.replaceAll('\\$', '');
  // 4. a unit after "\text{ "
  s = removeRightUnits(s);
  s = s.replaceAll('\\%', '');
  // 5. leading zeros
  s = s.replaceAll(' .', ' 0.').replaceAll('{.', '{0.');
  if (s.length === 0) return s;
  if (s[0] === '.') s = '0' + s;
  // 6. "k = 5" -> "5" when the left side is at most 2 characters
  const eq = s.split('=');
  if (eq.length === 2 && cps(eq[0] ?? '').length <= 2) s = eq[1] ?? '';
  // 7. \sqrt3 -> \sqrt{3}, then drop spaces
  s = fixSqrt(s);
  s = s.replaceAll(' ', '');
  // 8. \frac12 -> \frac{1}{2}
  s = fixFracs(s);
  // 9. 0.5 -> \frac{1}{2}; integer a/b -> \frac{a}{b}
  if (s === '0.5') s = '\\frac{1}{2}';
  return fixASlashB(s);
}

/** Hendrycks `is_equiv`: equal after strip_string; raw equality when strip_string raises. */
export function isEquiv(a: string | null, b: string | null): boolean {
  if (a === null && b === null) return true;
  if (a === null || b === null) return false;
  try {
    return stripString(a) === stripString(b);
  } catch (err) {
    if (err instanceof HendrycksError) return a === b;
    throw err;
  }
}
