import { DomainError, type FieldViolation } from '@fusion/shared/kernel';

/** Identifies the rubric text below; stored with every verdict, so scores from different prompts never mix. */
export const JUDGE_PROMPT_VERSION = 'fusion-judge-rubric-v1';

/** What the judge sees: the query, the reference answer (null when there is none) and the response. */
export interface JudgeInput {
  query: string;
  groundTruth: string | null;
  response: string;
}

export interface JudgePromptMessage {
  role: 'system' | 'user';
  content: string;
}

/** The paper's rubric (§2): three criteria folded into one anchored score in [0, 1]. */
const RUBRIC = `You are an expert grader. Evaluate the response to the query below, using the ground truth as the reference.

Consider three criteria, each from 0 to 1:
1. Correctness: does the response reach the same answer as the ground truth?
2. Reasoning: is the reasoning clear, logical and complete?
3. Training value: would this response make a good example for supervised fine-tuning?

Combine them into one overall score between 0 and 1, using these anchors:
- 0: the answer is wrong.
- 0.3: the answer is correct, with minimal reasoning.
- 0.6: the answer is correct, with some reasoning.
- 0.8: the answer is correct, with good reasoning.
- 1.0: the answer is correct, with excellent reasoning, and is well suited as training data.
Intermediate values are allowed.`;

/** Checks the judge input; each problem names its field. */
export function judgeInputViolations(input: unknown): FieldViolation[] {
  const violations: FieldViolation[] = [];
  if (!input || typeof input !== 'object') return [{ field: 'input', reason: 'must be an object' }];
  const i = input as Record<string, unknown>;
  if (typeof i['query'] !== 'string' || i['query'].trim() === '')
    violations.push({ field: 'query', reason: 'must be a non-empty string' });
  if (typeof i['response'] !== 'string') violations.push({ field: 'response', reason: 'must be a string' });
  if (i['groundTruth'] !== null && typeof i['groundTruth'] !== 'string') {
    violations.push({ field: 'groundTruth', reason: 'must be a string or null' });
  }
  return violations;
}

/**
 * The judge prompt as one user message (several served models reject a system role).
 * Throws an INVALID_ARGUMENT DomainError naming the field when the input is unusable.
 */
export function buildJudgePrompt(input: JudgeInput): JudgePromptMessage[] {
  const violations = judgeInputViolations(input);
  if (violations.length > 0) throw DomainError.invalidArguments(violations);
  const groundTruth =
    input.groundTruth === null || input.groundTruth.trim() === ''
      ? '(no reference answer given)'
      : input.groundTruth;
  const content = `${RUBRIC}

Query:
${input.query}

Ground truth:
${groundTruth}

Response:
${input.response}

Reply with the score only, written as <answer>SCORE</answer>.`;
  return [{ role: 'user', content }];
}
