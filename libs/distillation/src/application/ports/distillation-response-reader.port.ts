import type { DistillationResponse } from '../../domain/distillation-response';
import type { SftQueryRef } from '../../domain/sft-dataset.builder';

/** Reads the distillation context's projection of the logs. */
export interface DistillationResponseReader {
  /** The tenant's train-split queries (text as asked in direct mode when logged). */
  listTrainQueries(tenant: string): Promise<SftQueryRef[]>;
  /** Every train-split row of the given queries. */
  listTrainResponses(tenant: string, queryIds: readonly string[]): Promise<DistillationResponse[]>;
  /** Rows in all and in the train split, for a helpful error when none are usable. */
  counts(tenant: string): Promise<{ total: number; train: number }>;
}
