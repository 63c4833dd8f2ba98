/** How the query was put to the model: as is, or with a step-by-step (chain-of-thought) instruction. */
export type PromptMode = 'direct' | 'think';
export const PROMPT_MODES: readonly PromptMode[] = ['direct', 'think'];

export type Split = 'train' | 'test';
export const SPLITS: readonly Split[] = ['train', 'test'];

/** The paper's six task domains (LLMFusionBench, Table 2), plus `general` for open-ended chat. */
export type TaskDomain =
  'math' | 'code' | 'commonsense' | 'world_knowledge' | 'reading' | 'popular' | 'general';
export const TASK_DOMAINS: readonly TaskDomain[] = [
  'math',
  'code',
  'commonsense',
  'world_knowledge',
  'reading',
  'popular',
  'general',
];

/**
 * The canonical log record: one LLM's answer to one query, with what it scored and cost.
 * Every importer and every live path produces exactly this shape; it is the payload of `LogRecorded` v1.
 * Scores are in [0, 1]; prices are USD per 1M tokens; cost is USD.
 */
export interface LogRecord {
  /** Idempotency key: re-sending a record with the same id changes nothing. */
  recordId: string;
  tenant: string;
  taskName: string;
  taskDomain: TaskDomain;
  /** Stable id of the query (given, or a hash of task + normalised text). */
  queryId: string;
  query: string;
  promptMode: PromptMode;
  llm: string;
  response: string;
  groundTruth: string | null;
  metric: string | null;
  performance: number | null;
  judgeScore: number | null;
  inputTokens: number | null;
  outputTokens: number | null;
  inputPrice: number | null;
  outputPrice: number | null;
  costUsd: number | null;
  latencyMs: number | null;
  split: Split | null;
  /** ISO-8601 time the answer was produced (or imported, when the source has none). */
  createdAt: string;
  metadata: Record<string, unknown>;
}

/** The routing candidate a record belongs to: the LLM in one prompt mode (the paper's 40 = 20 LLMs x 2). */
export function candidateOf(llm: string, promptMode: PromptMode): string {
  return promptMode === 'think' ? `${llm}:think` : llm;
}

export function parseCandidate(candidate: string): { llm: string; promptMode: PromptMode } {
  return candidate.endsWith(':think')
    ? { llm: candidate.slice(0, -':think'.length), promptMode: 'think' }
    : { llm: candidate, promptMode: 'direct' };
}
