import type { DistillationDatasetBuiltV1 } from '@fusion/contracts';
import type { OperationContext } from './operation-context';

/** A built dataset as recorded. */
export interface StoredDataset extends DistillationDatasetBuiltV1 {
  tenant: string;
  relativeDir: string;
  createdAt: string;
}

/** Built datasets: a `distillation_datasets` row and its `DistillationDatasetBuilt` event, written together. */
export interface DatasetRepository {
  record(dataset: StoredDataset, ctx?: OperationContext): Promise<void>;
  get(tenant: string, datasetId: string): Promise<StoredDataset | null>;
}
