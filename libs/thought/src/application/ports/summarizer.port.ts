import type { SummaryInput } from '../../domain/summary-input';

/** Turns a query and its selected responses into one reusable thought template. */
export interface Summarizer {
  /** Stored with each template: `llm:<model>` or `extractive-v1`. */
  readonly id: string;
  summarize(input: SummaryInput): Promise<string>;
}
