import type { SelectionStrategy } from './template-selection';

/** A stored thought template with its query's embedding. */
export interface ThoughtTemplate {
  taskName: string;
  queryId: string;
  query: string;
  template: string;
  selection: SelectionStrategy;
  /** `llm:<model>` or `extractive-v1`. */
  summarizer: string;
  /** L2-normalised embedding of `query`. */
  embedding: Float32Array;
  metadata: Record<string, unknown>;
}
