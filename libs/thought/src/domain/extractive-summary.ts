import type { SummaryInput } from './summary-input';

/** Id of the deterministic summariser; stored with every template it writes. No LLM is involved. */
export const EXTRACTIVE_SUMMARIZER_ID = 'extractive-v1';

const MAX_STEPS = 3;
const MAX_STEP_WORDS = 30;
const MIN_STEP_WORDS = 4;
const QUERY_HEAD_WORDS = 18;
const STEP_CUE =
  /\b(first|then|next|finally|so|therefore|thus|hence|because|since|compute|calculate|substitut\w*|apply|use|using|check|find|identify|eliminate|recall|note|compare|count|multiply|divide|add|subtract|solve)\b|=/i;

function words(text: string): string[] {
  return text.split(/\s+/).filter((w) => w.length > 0);
}

function limitWords(text: string, max: number): string {
  const w = words(text);
  return w.length <= max ? w.join(' ') : `${w.slice(0, max).join(' ')} …`;
}

function looksLikeCode(text: string): boolean {
  return /\[BEGIN\]|```|^\s*(def|class|import|return)\b/m.test(text);
}

function sentencesOf(text: string): string[] {
  return text
    .split(/\n+/)
    .flatMap((line) => line.split(/(?<=[.!?])\s+(?=[A-Z(\\$0-9])/))
    .map((s) =>
      s
        .replace(/^\s*(?:[-*•>#]+|\d+[.)]|step\s*\d+\s*[:.)-])\s*/i, '')
        // Markdown emphasis and code marks, not a lone `*` (multiplication).
        .replace(/\*\*|__|`/g, '')
        .replace(/\s+/g, ' ')
        .trim(),
    )
    .filter((s) => words(s).length >= MIN_STEP_WORDS);
}

function normalised(s: string): string {
  return s
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** Reasoning sentences of the best responses, best response first: cue sentences, else leading ones. */
function stepsOf(responses: readonly string[], query: string): string[] {
  const queryText = normalised(query);
  const seen = new Set<string>();
  const cued: string[] = [];
  const plain: string[] = [];
  for (const response of responses) {
    for (const s of sentencesOf(response)) {
      const key = normalised(s);
      // Restating the question is not a step.
      if (seen.has(key) || (key.length > 20 && queryText.includes(key))) continue;
      seen.add(key);
      (STEP_CUE.test(s) ? cued : plain).push(limitWords(s, MAX_STEP_WORDS));
    }
  }
  return [...cued, ...plain].slice(0, MAX_STEPS);
}

function codeSteps(responses: readonly string[]): string[] {
  const comments = responses
    .flatMap((r) => r.split('\n'))
    .map((l) => /^\s*#\s*(.+)$/.exec(l)?.[1]?.trim() ?? '')
    .filter((c) => words(c).length >= 3);
  const picked = [...new Set(comments)].slice(0, MAX_STEPS).map((c) => limitWords(c, MAX_STEP_WORDS));
  return picked.length > 0
    ? picked
    : [
        'Read the function name and signature the tests expect',
        'implement it directly with loops or built-ins',
        'return the value rather than printing it',
      ];
}

/** The answer format the best response used, as an instruction. */
export function answerFormatOf(query: string, best: string): string {
  if (/\[BEGIN\]/i.test(query) || /\[BEGIN\]/i.test(best))
    return 'return only the code, wrapped as [BEGIN] <code> [DONE]';
  if (/\\boxed\{/.test(best)) return 'put only the final answer inside \\boxed{}';
  if (/####\s*-?[\d.,]+/.test(best)) return "end with '#### <number>'";
  if (/\(\s*[A-Ja-j]\s*\)/.test(best) && /\(?\b[A-D]\b[.)]/.test(query)) {
    return 'end with the chosen option letter in parentheses, e.g. (B)';
  }
  if (/\btrue or false\b/i.test(query)) return 'answer True or False';
  const lastLine = best.trim().split('\n').pop() ?? '';
  if (/-?\d[\d,]*(\.\d+)?\s*[.!]?\s*$/.test(lastLine)) return 'end with the final numeric answer';
  return 'state the final answer as a short phrase';
}

function taskLabel(taskName: string): string {
  return taskName.replace(/[_-]+/g, ' ').trim() || 'general';
}

/**
 * A deterministic template built from the selected responses without an LLM (`extractive-v1`): a
 * "Problem type" sentence from the task and the query's opening words, "Steps" taken from the best
 * responses' reasoning sentences, and an "Answer format" read off the best response.
 */
export function extractiveTemplate(input: SummaryInput): string {
  const responses = input.responses.map((r) => r.response).filter((r) => r.trim() !== '');
  const best = responses[0] ?? '';
  const head = limitWords(input.query.replace(/\s+/g, ' ').trim(), QUERY_HEAD_WORDS);
  const code = responses.some(looksLikeCode);
  const steps = code ? codeSteps(responses) : stepsOf(responses, input.query);
  const stepText =
    steps.length > 0
      ? steps.map((s, i) => `(${i + 1}) ${s.replace(/[.;:,]+$/, '')}`).join('; ')
      : '(1) restate what is asked; (2) work through it step by step; (3) check the result';
  return [
    `Problem type: a ${taskLabel(input.taskName)} question like "${head}".`,
    `Steps: ${stepText}.`,
    `Answer format: ${answerFormatOf(input.query, best)}.`,
  ].join('\n');
}
