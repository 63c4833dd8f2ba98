import { DomainError, type Clock, type IdGenerator } from '@fusion/shared/kernel';
import { parseSetting, parseSftTopK } from '../../domain/dataset-setting';
import { orderSftQueries, SftDatasetAccumulator } from '../../domain/sft-dataset.builder';
import type { DatasetFileWriter } from '../ports/dataset-file-writer.port';
import type { DatasetRepository } from '../ports/dataset-repository.port';
import type { DistillationResponseReader } from '../ports/distillation-response-reader.port';
import type { OperationContext } from '../ports/operation-context';
import type { BuildDatasetCommand, BuildDatasetResult } from './build-dataset.command';

export interface BuildDatasetDeps {
  responses: DistillationResponseReader;
  files: DatasetFileWriter;
  datasets: DatasetRepository;
  ids: IdGenerator;
  clock: Clock;
  defaultTopK: number;
}

/** Queries whose rows are loaded at once. */
const QUERY_BATCH = 500;

/** A short id (12 hex digits) from the id generator, for file and Kubernetes names. */
export function shortId(ids: IdGenerator): string {
  const raw = ids
    .next()
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');
  return raw.slice(0, 12) || 'x';
}

/** BuildDataset (paper §5): rank each train query's responses, write Alpaca JSON, record the dataset. */
export class BuildDatasetHandler {
  constructor(private readonly deps: BuildDatasetDeps) {}

  async execute(cmd: BuildDatasetCommand, ctx: OperationContext = {}): Promise<BuildDatasetResult> {
    const setting = parseSetting(cmd.setting);
    const topK = parseSftTopK(cmd.topK, this.deps.defaultTopK);
    const queries = orderSftQueries(await this.deps.responses.listTrainQueries(cmd.tenant));
    if (queries.length === 0) throw await this.nothingToBuildFrom(cmd.tenant);
    // Rows are read a batch of queries at a time: a full log holds hundreds of thousands of responses.
    const acc = new SftDatasetAccumulator({ setting, topK });
    const ids = [...new Set(queries.map((q) => q.queryId))];
    for (let i = 0; i < ids.length; i += QUERY_BATCH) {
      acc.add(await this.deps.responses.listTrainResponses(cmd.tenant, ids.slice(i, i + QUERY_BATCH)));
    }
    const dataset = acc.result();
    if (dataset.records.length === 0) {
      throw DomainError.failedPrecondition(
        `no SFT examples for tenant '${cmd.tenant}' with setting ${setting}: no train query has a ground truth or a response that scored above 0`,
        {
          skippedResponses: dataset.skippedResponses,
          queriesWithoutGroundTruth: dataset.queriesWithoutGroundTruth,
        },
      );
    }
    const id = shortId(this.deps.ids);
    const datasetId = `ds-${id}`;
    const datasetName = `fusion_${setting}_sft_top_${topK}_${id}`;
    const written = await this.deps.files.write({
      tenant: cmd.tenant,
      datasetName,
      outPath: cmd.outPath,
      records: dataset.records,
    });
    await this.deps.datasets.record(
      {
        tenant: cmd.tenant,
        datasetId,
        setting,
        topK,
        records: dataset.records.length,
        queries: dataset.queries,
        path: written.path,
        datasetName,
        skippedResponses: dataset.skippedResponses,
        queriesWithoutGroundTruth: dataset.queriesWithoutGroundTruth,
        relativeDir: written.relativeDir,
        createdAt: this.deps.clock.now().toISOString(),
      },
      ctx,
    );
    return {
      datasetId,
      datasetName,
      setting,
      topK,
      records: dataset.records.length,
      queries: dataset.queries,
      path: written.path,
      skippedResponses: dataset.skippedResponses,
      queriesWithoutGroundTruth: dataset.queriesWithoutGroundTruth,
    };
  }

  private async nothingToBuildFrom(tenant: string): Promise<DomainError> {
    const { total } = await this.deps.responses.counts(tenant);
    const how =
      'import logs whose records carry split=train (`fusion import <file>`), or generate synthetic ones with `fusion demo-data` and import them';
    return DomainError.failedPrecondition(
      total === 0
        ? `no log records for tenant '${tenant}' to build an SFT dataset from: ${how}`
        : `tenant '${tenant}' has ${total} log records but none in the train split: SFT datasets are built from train-split logs only; ${how}`,
      { tenant, records: total },
    );
  }
}
