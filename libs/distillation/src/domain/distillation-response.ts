import type { PromptMode } from '@fusion/contracts';

/** One logged answer as the distillation context sees it (a row of its `LogRecorded` projection). */
export interface DistillationResponse {
  recordId: string;
  queryId: string;
  taskName: string;
  /** The query exactly as sent (a think row's still carries the step-by-step instruction). */
  query: string;
  llm: string;
  promptMode: PromptMode;
  response: string;
  groundTruth: string | null;
  metric: string | null;
  /** 0..1, null when not scored. */
  performance: number | null;
  /** 0..1, null when not judged. */
  judgeScore: number | null;
  outputTokens: number | null;
}
