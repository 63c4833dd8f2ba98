import type { DistillationSetting } from '../../domain/dataset-setting';

/** Build an SFT dataset from a tenant's train-split logs. */
export interface BuildDatasetCommand {
  tenant: string;
  /** perf, judge, hybrid or baseline; empty = hybrid. */
  setting: string;
  /** Responses per query; 0 = the default (5). */
  topK: number;
  /** Where to write it under the dataset root; empty = `<root>/<tenant>/<dataset name>.json`. */
  outPath: string;
}

export interface BuildDatasetResult {
  datasetId: string;
  datasetName: string;
  setting: DistillationSetting;
  topK: number;
  records: number;
  queries: number;
  path: string;
  skippedResponses: number;
  queriesWithoutGroundTruth: number;
}
