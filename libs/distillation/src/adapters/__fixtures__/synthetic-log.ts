/**
 * A small SYNTHETIC multi-LLM log for the distillation specs (invented queries and responses), in the loose
 * record shape IngestLogs takes: one query per task family, answered by three models in direct and think mode.
 */
export interface SyntheticQuery {
  taskName: string;
  query: string;
  groundTruth: string;
  metric: string;
  split: 'train' | 'test';
  /** Per model: [response, performance, judge score, output tokens]. */
  answers: Record<string, [string, number, number, number]>;
}

export const SYNTHETIC_QUERIES: readonly SyntheticQuery[] = [
  {
    taskName: 'gsm8k',
    query: 'Tom has 3 boxes with 4 apples each. How many apples does he have?',
    groundTruth: '3 * 4 = 12\n#### 12',
    metric: 'GSM8K',
    split: 'train',
    answers: {
      'model-a': ['3 * 4 = 12.\n#### 12', 1, 0.7, 40],
      'model-b': ['He has 7 apples.', 0, 1.0, 90],
      'model-c': ['Multiply: 12.\n#### 12', 1, 0.9, 20],
    },
  },
  {
    taskName: 'mmlu',
    query: 'Which planet is known as the Red Planet?\nA. Venus\nB. Mars\nC. Jupiter\nD. Saturn',
    groundTruth: 'B',
    metric: 'em_mc',
    split: 'train',
    answers: {
      'model-a': ['Mars, so (B).', 1, 0.8, 10],
      'model-b': ['(A)', 0, 0.1, 5],
      'model-c': ['Iron oxide makes Mars red: (B).', 1, 0.9, 15],
    },
  },
  {
    taskName: 'mbpp',
    query:
      'You are an expert Python programmer, and here is your task: Write a function add(a, b) returning the sum.',
    groundTruth: 'def add(a, b):\n    return a + b',
    metric: 'code_eval',
    split: 'train',
    answers: {
      'model-a': ['[BEGIN]\ndef add(a, b):\n    return a + b\n[DONE]', 1, 0.9, 30],
      'model-b': ['[BEGIN]\ndef add(a, b):\n    return a - b\n[DONE]', 0, 0.3, 30],
      'model-c': ['[BEGIN]\ndef add(a, b): return sum([a, b])\n[DONE]', 1, 0.6, 25],
    },
  },
  {
    taskName: 'gsm8k',
    query: 'Ben has 5 bags with 6 marbles each. How many marbles does he have?',
    groundTruth: '#### 30',
    metric: 'GSM8K',
    split: 'test',
    answers: { 'model-a': ['5 * 6 = 30.\n#### 30', 1, 0.9, 10] },
  },
];

const THINK = "\nLet's think step by step.";

/** Two records (direct, think) per model and query; think rows score like direct ones with more tokens. */
export function syntheticRecords(
  queries: readonly SyntheticQuery[] = SYNTHETIC_QUERIES,
  tenant = '',
): Record<string, unknown>[] {
  return queries.flatMap((q, qi) =>
    Object.entries(q.answers).flatMap(([llm, [response, performance, judgeScore, outputTokens]]) =>
      (['direct', 'think'] as const).map((promptMode) => ({
        recordId: `syn-${qi}-${llm}-${promptMode}`,
        ...(tenant ? { tenant } : {}),
        taskName: q.taskName,
        query: promptMode === 'think' ? `${q.query}${THINK}` : q.query,
        promptMode,
        llm,
        response,
        groundTruth: q.groundTruth,
        metric: q.metric,
        performance,
        judgeScore,
        costUsd: 0.001,
        inputTokens: 20,
        outputTokens: promptMode === 'think' ? outputTokens + 5 : outputTokens,
        split: q.split,
        metadata: { synthetic: true },
      })),
    ),
  );
}
