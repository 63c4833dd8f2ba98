import type { QueryRef } from '../../domain/query-groups';
import type { ThoughtResponse } from '../../domain/thought-response';

/** Reads the thought context's projection of the logs. */
export interface ThoughtResponseReader {
  /** The tenant's train-split queries that have at least one response (text as asked in direct mode when logged). */
  listTrainQueries(tenant: string): Promise<QueryRef[]>;
  /** The train-split rows with a response of the given queries (scores may be missing). */
  listTrainResponses(tenant: string, queryIds: readonly string[]): Promise<ThoughtResponse[]>;
  /** How many rows with a response the tenant has in all, and in the train split: for a helpful error. */
  counts(tenant: string): Promise<{ total: number; train: number }>;
}
