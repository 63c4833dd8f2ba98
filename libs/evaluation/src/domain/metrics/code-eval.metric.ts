import { pyStrip } from './answer-normalizer';
import { MetricError, quote, type MetricVariant } from './metric';
import { parsePythonStringList } from './python-literal';

/** The two code benchmarks code_eval knows. */
export type CodeTask = 'mbpp' | 'human_eval';

const MBPP_TAGS = /\[BEGIN\]([\s\S]*?)(?:\[DONE\]|\[Done\]|$)/i;
const HUMAN_EVAL_TAGS = /\[BEGIN\]([\s\S]*?)(?:\[DONE\]|$)/i;
const FENCED = /```[^\n]*\n([\s\S]*?)(?:```|$)/;

/** MBPP or HumanEval, from the task name, else (as the reference does) from the task id. */
export function codeTaskOf(taskName: string, taskId?: string | number | null): CodeTask | null {
  const name = taskName.trim().toLowerCase();
  if (name === 'mbpp') return 'mbpp';
  if (name === 'human_eval' || name === 'humaneval') return 'human_eval';
  if (taskId === undefined || taskId === null || String(taskId).trim() === '') return null;
  return String(taskId).startsWith('HumanEval') ? 'human_eval' : 'mbpp';
}

function stripFences(code: string): string {
  if (!code.includes('```')) return code;
  const m = FENCED.exec(code);
  return m?.[1] ?? code.replace(/```[^\n]*/g, '');
}

function indentOf(line: string): string {
  return /^[ \t]*/.exec(line)?.[0] ?? '';
}

function dedent(code: string): string {
  const lines = code.split('\n');
  const indents = lines.filter((l) => l.trim() !== '').map(indentOf);
  if (indents.length === 0) return code;
  let common = indents[0] ?? '';
  for (const ind of indents) while (!ind.startsWith(common)) common = common.slice(0, -1);
  return lines.map((l) => (l.startsWith(common) ? l.slice(common.length) : l.trimStart())).join('\n');
}

/**
 * The code an MBPP response holds: the text after the first `[BEGIN]` up to `[DONE]`/`[Done]` (any case) or
 * the end, else the whole response, stripped. `fixed` also unwraps a Markdown fence (the first fenced block).
 */
export function extractMbppCode(prediction: string, variant: MetricVariant): string {
  const m = MBPP_TAGS.exec(prediction);
  const code = pyStrip(m ? (m[1] ?? '') : prediction);
  return variant === 'paper' ? code : pyStrip(stripFences(code));
}

/**
 * The completion appended to a HumanEval prompt.
 * `paper` (reference code): between `[BEGIN]` and `[DONE]` (any case) or the end, stripped; kept as is when it
 * starts with `def `, else every line indented by 4. Without tags the stripped response is used unindented.
 * `fixed`: the same span (or the whole response without tags), a Markdown fence unwrapped, then dedented
 * without first stripping the first line (a body indented by 4 stays valid), a first line glued to `[BEGIN]`
 * given the indentation of the lines below it when it does not open a block, and then: kept at top level when
 * a line starts with `def ` (or `async def `) and none starts with `return`/`yield`; otherwise indented by 4.
 */
export function extractHumanEvalCompletion(prediction: string, variant: MetricVariant): string {
  const m = HUMAN_EVAL_TAGS.exec(prediction);
  if (variant === 'paper') {
    if (!m) return pyStrip(prediction);
    const raw = pyStrip(m[1] ?? '');
    return raw.trimStart().startsWith('def ') ? raw : '    ' + raw.replace(/\n/g, '\n    ');
  }
  let code = stripFences(m ? (m[1] ?? '') : prediction).replace(/\r\n/g, '\n');
  code = code.replace(/^(?:[ \t]*\n)+/, '').replace(/\s+$/, '');
  const lines = code.split('\n');
  const rest = lines.slice(1).filter((l) => l.trim() !== '');
  const first = lines[0] ?? '';
  if (rest.length > 0 && !first.trimEnd().endsWith(':')) {
    const restIndent = rest.map(indentOf).reduce((a, b) => (b.length < a.length ? b : a));
    if (indentOf(first).length < restIndent.length) lines[0] = restIndent + first.trimStart();
  }
  code = dedent(lines.join('\n'));
  const topLevel = /^(?:async\s+)?def\s/m.test(code) && !/^(?:return|yield)\b/m.test(code);
  if (topLevel) return code;
  return code
    .split('\n')
    .map((l) => (l.trim() === '' ? l : `    ${l}`))
    .join('\n');
}

/** MBPP ground truth = its `test_list`: a Python list literal (as the log stores it), a JSON array, or asserts. */
export function parseMbppTests(groundTruth: string | readonly string[]): string[] {
  if (typeof groundTruth !== 'string') {
    if (groundTruth.length === 0 || groundTruth.some((t) => typeof t !== 'string' || t.trim() === '')) {
      throw new MetricError('groundTruth', 'MBPP test_list must be a non-empty list of assert statements');
    }
    return [...groundTruth];
  }
  const text = groundTruth.trim();
  if (text.startsWith('[')) {
    const tests = parsePythonStringList(text);
    if (tests === null || tests.length === 0 || tests.some((t) => t.trim() === '')) {
      throw new MetricError('groundTruth', `MBPP test_list is not a list of assert strings: ${quote(text)}`);
    }
    return tests;
  }
  if (!/\bassert\b/.test(text)) {
    throw new MetricError('groundTruth', `MBPP ground truth holds no assert statement: ${quote(text)}`);
  }
  return [text];
}

/** Python source literal for a JS string (a JSON string literal is a valid Python one). */
function py(s: string): string {
  return JSON.stringify(s);
}

/**
 * The MBPP program, as the reference runs it: exec the code in fresh globals, then exec each assert in those
 * globals. Wrapping both keeps a broken solution from swallowing the asserts (e.g. an unclosed string).
 */
export function buildMbppProgram(code: string, tests: readonly string[]): string {
  return [
    '__fusion_globals = {}',
    `exec(compile(${py(code)}, "solution.py", "exec"), __fusion_globals)`,
    `for __fusion_test in [${tests.map(py).join(', ')}]:`,
    '    exec(compile(__fusion_test, "test.py", "exec"), __fusion_globals)',
    '',
  ].join('\n');
}

/** The HumanEval program, as OpenAI's human-eval builds it: prompt + completion + test + `check(entry_point)`. */
export function buildHumanEvalProgram(
  prompt: string,
  completion: string,
  test: string,
  entryPoint: string,
): string {
  if (!/^[A-Za-z_]\w*$/.test(entryPoint)) {
    throw new MetricError('entryPoint', `not a Python identifier: ${quote(entryPoint)}`);
  }
  return `${prompt}${completion}\n${test}\ncheck(${entryPoint})`;
}

/** The function HumanEval checks: the last top-level `def` of its prompt. */
export function humanEvalEntryPoint(prompt: string): string | null {
  const defs = [...prompt.matchAll(/^def\s+([A-Za-z_]\w*)\s*\(/gm)];
  return defs.pop()?.[1] ?? null;
}

/**
 * The HumanEval prompt inside a logged query (the reference template wraps it between "Complete the following
 * function:" and "Implement the function body only."). Returns the text unchanged when it is not templated.
 */
export function extractHumanEvalPrompt(query: string): string {
  const start = query.indexOf('Complete the following function:\n\n');
  const ends = [...query.matchAll(/\n\n[ \t]*Implement the function body only\./g)];
  const end = ends.pop()?.index;
  if (start < 0 || end === undefined || end <= start) return query;
  return query.slice(start + 'Complete the following function:\n\n'.length, end).replace(/^[ \t]+/, '');
}
