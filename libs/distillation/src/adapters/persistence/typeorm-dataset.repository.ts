import type { DataSource } from 'typeorm';
import {
  DistillationDatasetBuilt,
  streamIdForDistillationDataset,
  type DistillationDatasetBuiltV1,
} from '@fusion/contracts';
import { entityManagerOf, type EventStore } from '@fusion/shared/event-store';
import type { DatasetRepository, StoredDataset } from '../../application/ports/dataset-repository.port';
import type { OperationContext } from '../../application/ports/operation-context';

interface Row {
  tenant: string;
  dataset_id: string;
  dataset_name: string;
  setting: string;
  top_k: number;
  records: number;
  queries: number;
  path: string;
  relative_dir: string;
  skipped_responses: number;
  queries_without_ground_truth: number;
  created_at: Date | string;
}

/** `distillation_datasets` rows with their `DistillationDatasetBuilt` events, in one transaction. */
export class TypeOrmDatasetRepository implements DatasetRepository {
  constructor(
    private readonly ds: DataSource,
    private readonly events: EventStore,
  ) {}

  async record(d: StoredDataset, ctx: OperationContext = {}): Promise<void> {
    const data: DistillationDatasetBuiltV1 = {
      datasetId: d.datasetId,
      setting: d.setting,
      topK: d.topK,
      records: d.records,
      queries: d.queries,
      path: d.path,
      datasetName: d.datasetName,
      skippedResponses: d.skippedResponses,
      queriesWithoutGroundTruth: d.queriesWithoutGroundTruth,
    };
    await this.events.transaction(async (tx) => {
      await this.events.append(
        {
          streamId: streamIdForDistillationDataset(d.tenant, d.datasetId),
          expectedVersion: 'no_stream',
          events: [
            {
              type: DistillationDatasetBuilt.type,
              schemaVersion: DistillationDatasetBuilt.schemaVersion,
              tenant: d.tenant,
              occurredAt: d.createdAt,
              data,
            },
          ],
        },
        ctx,
        tx,
      );
      await entityManagerOf(tx).query(
        `INSERT INTO distillation_datasets (tenant, dataset_id, dataset_name, setting, top_k, records, queries, path, relative_dir,
           skipped_responses, queries_without_ground_truth, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
        [
          d.tenant,
          d.datasetId,
          d.datasetName,
          d.setting,
          d.topK,
          d.records,
          d.queries,
          d.path,
          d.relativeDir,
          d.skippedResponses,
          d.queriesWithoutGroundTruth,
          d.createdAt,
        ],
      );
    });
  }

  async get(tenant: string, datasetId: string): Promise<StoredDataset | null> {
    const rows = (await this.ds.query(
      `SELECT * FROM distillation_datasets WHERE tenant = $1 AND dataset_id = $2`,
      [tenant, datasetId],
    )) as Row[];
    const r = rows[0];
    if (!r) return null;
    return {
      tenant: r.tenant,
      datasetId: r.dataset_id,
      datasetName: r.dataset_name,
      setting: r.setting,
      topK: Number(r.top_k),
      records: Number(r.records),
      queries: Number(r.queries),
      path: r.path,
      relativeDir: r.relative_dir,
      skippedResponses: Number(r.skipped_responses),
      queriesWithoutGroundTruth: Number(r.queries_without_ground_truth),
      createdAt: new Date(r.created_at).toISOString(),
    };
  }
}
