import type { SummaryInput } from './summary-input';

/** Each solution is cut to this many characters in the prompt (paper §4.1 step 5). */
export const SOLUTION_CHAR_LIMIT = 1000;
/** Sampling of the summariser call (paper §4.1 step 5). */
export const SUMMARIZER_MAX_TOKENS = 1024;
export const SUMMARIZER_TEMPERATURE = 0.2;

function truncate(text: string): string {
  const t = text.trim();
  return t.length <= SOLUTION_CHAR_LIMIT ? t : `${t.slice(0, SOLUTION_CHAR_LIMIT)}... [truncated]`;
}

/**
 * The summariser prompt, after the paper's intent (its exact wording is not public): the question, the
 * selected solutions, and a request for a 1-5 sentence reusable template (problem type and approach,
 * reasoning steps, answer format), ending with "Thought Template:".
 */
export function buildSummarizerPrompt(input: SummaryInput): string {
  const solutions = input.responses.map((r, i) => `Solution ${i + 1}:\n${truncate(r.response)}`).join('\n\n');
  return [
    `You are given a question and ${input.responses.length} high-quality solution${input.responses.length === 1 ? '' : 's'} to it.`,
    'Summarise them into a concise, reusable thought template that would help solve similar questions.',
    '',
    'The thought template should contain:',
    '1. One sentence summarising the core problem type and the approach to it.',
    '2. One to three sentences describing the key reasoning steps.',
    '3. One sentence on the preferred format of the final answer.',
    '',
    'Be specific enough to be useful yet general enough to apply to similar questions. Use 1-2 sentences for an',
    'easy problem and 3-5 sentences for a hard one. Write only the template.',
    '',
    `Question:\n${input.query.trim()}`,
    '',
    solutions,
    '',
    'Thought Template:',
  ].join('\n');
}

/** The template text of a summariser reply: trimmed, with an echoed "Thought Template:" label removed. */
export function cleanSummarizerReply(reply: string): string {
  return reply
    .trim()
    .replace(/^\**\s*thought\s+template\s*\d*\s*\**\s*:\s*\**/i, '')
    .trim();
}
