/**
 * Thought-level fusion plugged into routing: given a query, returns the prompt augmented with reasoning templates
 * retrieved from past answers (the thought context implements it). Requests with `thought_augmentation` on use it.
 */
export interface ThoughtAugmenter {
  augment(request: {
    tenant: string;
    query: string;
    taskHint?: string;
  }): Promise<{ prompt: string; templates: number }>;
}
