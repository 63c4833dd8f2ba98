/** Columns only LLMFusionBench rows have (paper §1.7): their presence tells its files from canonical ones. */
export const FUSIONBENCH_ONLY_COLUMNS: ReadonlySet<string> = new Set([
  'task_id',
  'task_description',
  'task_description_embedding',
  'query_embedding',
  'input_tokens_num',
  'output_tokens_num',
  'cost',
  'llm_description',
  'llm_judge',
  'normalized_performance',
  'normalized_cost',
]);

/** LLMFusionBench columns in CSV order (paper §1.7), then `llm_judge`. */
export const FUSIONBENCH_COLUMNS = [
  'task_name',
  'task_id',
  'task_description',
  'task_description_embedding',
  'query',
  'query_embedding',
  'ground_truth',
  'metric',
  'llm',
  'input_price',
  'output_price',
  'input_tokens_num',
  'output_tokens_num',
  'performance',
  'cost',
  'response',
  'llm_description',
  'llm_judge',
] as const;
