/** What a summariser turns into one thought template: a query and its selected responses, best first. */
export interface SummaryInput {
  taskName: string;
  query: string;
  responses: readonly { llm: string; response: string }[];
}
