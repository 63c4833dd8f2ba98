import type { PromptMode } from '@fusion/contracts';

/** One logged answer as the thought context sees it (a row of its `LogRecorded` projection). */
export interface ThoughtResponse {
  recordId: string;
  queryId: string;
  taskName: string;
  /** The query as put in direct mode (the think instruction removed). */
  query: string;
  llm: string;
  promptMode: PromptMode;
  response: string;
  /** 0..1, null when not scored. */
  performance: number | null;
  /** 0..1, null when not judged. */
  judgeScore: number | null;
  costUsd: number | null;
}
