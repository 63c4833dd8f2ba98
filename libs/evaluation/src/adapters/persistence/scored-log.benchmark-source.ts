import { DomainError } from '@fusion/shared/kernel';
import type {
  BenchmarkData,
  BenchmarkDataSource,
  BenchmarkFileLoader,
} from '../../application/benchmark-rpc/benchmark-data-source.port';
import type { ScoringRepository } from '../../application/scoring-pipeline/scoring-pipeline.port';

/**
 * {@link BenchmarkDataSource} over the scored-log projection (`fromStore`) and, for files, the loader the
 * composition root gives (the importers belong to the ingestion context, which evaluation may not import).
 */
export class ScoredLogBenchmarkSource implements BenchmarkDataSource {
  constructor(
    private readonly repository: ScoringRepository,
    private readonly loader: BenchmarkFileLoader | null,
  ) {}

  load(path: string, format: string): Promise<BenchmarkData> {
    if (!this.loader) {
      return Promise.reject(
        DomainError.failedPrecondition(
          'this service reads no log files (no importers are wired in); leave data_path empty to benchmark the stored logs',
        ),
      );
    }
    return this.loader(path, format);
  }

  async fromStore(tenant: string): Promise<BenchmarkData> {
    return { records: await this.repository.records(tenant), issues: {}, name: `store:${tenant}` };
  }
}
