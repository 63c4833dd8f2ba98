/** How a task's ground truth is written as an SFT target (paper §5, gold record). */
export type TaskFamily = 'code' | 'multiple_choice' | 'other';

const CODE_TASKS = new Set(['mbpp', 'human_eval', 'humaneval']);
const MULTIPLE_CHOICE_TASKS = new Set([
  'mmlu',
  'gpqa',
  'commonsense_qa',
  'csqa',
  'openbook_qa',
  'openbookqa',
  'obqa',
  'arc_challenge',
  'arc',
  'hellaswag',
  'winogrande',
]);

/** The family of a task, from its metric when it has one (code_eval, em_mc), else from its name. */
export function taskFamilyOf(taskName: string, metric: string | null): TaskFamily {
  const m = metric?.trim().toLowerCase();
  if (m === 'code_eval') return 'code';
  if (m === 'em_mc') return 'multiple_choice';
  const key = taskName
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');
  if (CODE_TASKS.has(key)) return 'code';
  if (MULTIPLE_CHOICE_TASKS.has(key)) return 'multiple_choice';
  return 'other';
}

/** The ground truth as an answer: `[BEGIN]\n gt \n[DONE]` for code, `(X)` for multiple choice, raw otherwise. */
export function formatGoldOutput(groundTruth: string, family: TaskFamily): string {
  switch (family) {
    case 'code':
      return `[BEGIN]\n ${groundTruth} \n[DONE]`;
    case 'multiple_choice': {
      const letter = groundTruth.trim().replace(/^\(\s*(.*?)\s*\)$/, '$1');
      return `(${letter})`;
    }
    case 'other':
      return groundTruth;
  }
}
