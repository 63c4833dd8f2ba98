/**
 * A small SYNTHETIC multi-LLM log for the thought specs (invented queries and responses), in the loose
 * record shape IngestLogs takes. Each query is answered by four models in direct and think mode.
 */
export interface SyntheticQuery {
  taskName: string;
  query: string;
  groundTruth: string;
  metric: string;
  split: 'train' | 'test';
  /** Per model: [response, performance, judge score, cost USD]. */
  answers: Record<string, [string, number, number | null, number]>;
}

export const SYNTHETIC_QUERIES: readonly SyntheticQuery[] = [
  {
    taskName: 'gsm8k',
    query: 'Tom has 3 boxes with 4 apples each. How many apples does he have?',
    groundTruth: 'Each box has 4 apples, 3 * 4 = 12.\n#### 12',
    metric: 'GSM8K',
    split: 'train',
    answers: {
      'model-a': [
        'First, note each box holds 4 apples.\nThen multiply by 3 boxes: 3 * 4 = 12.\n#### 12',
        1,
        0.9,
        0.002,
      ],
      'model-b': ['Multiply boxes by apples per box: 12.\n#### 12', 1, 0.6, 0.0005],
      'model-c': ['He has 7 apples.', 0, 0.1, 0.0001],
      'model-d': ['Compute 3 * 4 = 12 so the answer is 12.', 1, null, 0.004],
    },
  },
  {
    taskName: 'gsm8k',
    query: 'A train travels 60 km per hour for 2 hours. How far does it go?',
    groundTruth: '60 * 2 = 120.\n#### 120',
    metric: 'GSM8K',
    split: 'train',
    answers: {
      'model-a': ['Distance equals speed times time, so 60 * 2 = 120 km.\n#### 120', 1, 0.95, 0.002],
      'model-b': ['It goes 100 km.', 0, 0.2, 0.0005],
      'model-c': ['Use distance = rate * time: 120 km.\n#### 120', 1, 0.7, 0.0001],
      'model-d': ['120 km in total because 60 + 60 = 120.', 1, 0.5, 0.004],
    },
  },
  {
    taskName: 'gsm8k',
    query: 'Ben has 5 bags with 6 marbles each. How many marbles does he have?',
    groundTruth: '#### 30',
    metric: 'GSM8K',
    split: 'test',
    answers: { 'model-a': ['5 * 6 = 30.\n#### 30', 1, 0.9, 0.002] },
  },
  {
    taskName: 'mmlu',
    query: 'Which planet is known as the Red Planet?\nA. Venus\nB. Mars\nC. Jupiter\nD. Saturn',
    groundTruth: 'B',
    metric: 'em_mc',
    split: 'train',
    answers: {
      'model-a': ['Mars looks red because of iron oxide on its surface. The answer is (B).', 1, 0.8, 0.002],
      'model-b': ['The answer is (A).', 0, 0.1, 0.0005],
      'model-c': ['Recall that Mars is called the Red Planet, so (B).', 1, 0.9, 0.0001],
      'model-d': ['(B)', 1, 0.4, 0.004],
    },
  },
];

const THINK = "\nLet's think step by step.";

/** Two records (direct, think) per model and query; think rows score like direct ones but cost double. */
export function syntheticRecords(
  queries: readonly SyntheticQuery[] = SYNTHETIC_QUERIES,
  tenant = '',
): Record<string, unknown>[] {
  return queries.flatMap((q, qi) =>
    Object.entries(q.answers).flatMap(([llm, [response, performance, judgeScore, costUsd]]) =>
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
        ...(judgeScore === null ? {} : { judgeScore }),
        costUsd: promptMode === 'think' ? costUsd * 2 : costUsd,
        inputTokens: 20,
        outputTokens: 30,
        split: q.split,
        metadata: { synthetic: true },
      })),
    ),
  );
}
