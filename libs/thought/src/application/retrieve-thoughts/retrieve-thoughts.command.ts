/** Find the templates of the past queries most like `query`, and the augmented prompt. */
export interface RetrieveThoughtsCommand {
  tenant: string;
  query: string;
  /** Task to take templates from; empty = the task of the nearest template. */
  taskHint: string;
  /** 0 = the default (3). */
  topK: number;
}

export interface RetrievedTemplate {
  queryId: string;
  query: string;
  template: string;
  taskName: string;
  similarity: number;
  summarizer: string;
}

export interface RetrieveThoughtsResult {
  templates: RetrievedTemplate[];
  augmentedPrompt: string;
  /** Empty when the tenant has no templates. */
  taskName: string;
}
