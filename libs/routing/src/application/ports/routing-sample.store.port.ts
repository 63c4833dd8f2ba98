import type { PromptMode, Split } from '@fusion/contracts';
import type { RoutingSample } from '../../domain/training-set';

/** One logged outcome as the routing projection stores it (one row per log record). */
export interface StoredSample extends RoutingSample {
  recordId: string;
  split: Split | null;
}

/** Every scored sample of a tenant, plus where in the log they stop. */
export interface ScoredSamples {
  samples: StoredSample[];
  /** Global position of the last `LogRecorded` reflected ('0' when unknown). */
  lastPosition: string;
}

/** Per (task, candidate) sums over logged cells, for the best-single fallback. */
export interface CandidateCellStats {
  taskName: string;
  candidate: string;
  perfSum: number;
  perfCount: number;
  costSum: number;
  costCount: number;
  latencySum: number;
  latencyCount: number;
}

/** Per task min-max over every logged cell (all candidates). */
export interface TaskRange {
  taskName: string;
  perfMin: number;
  perfMax: number;
  costMin: number;
  costMax: number;
}

export interface CandidateSummary {
  cells: CandidateCellStats[];
  ranges: TaskRange[];
}

/** A logged answer the replay backend can serve (embedded demo without model servers). */
export interface ReplayableRecord {
  tenant: string;
  queryId: string;
  query: string;
  llm: string;
  promptMode: PromptMode;
  response: string;
  inputTokens: number | null;
  outputTokens: number | null;
  inputPrice: number | null;
  outputPrice: number | null;
  costUsd: number | null;
  latencyMs: number | null;
}

/** The routing context's copy of the scored log (the `routing_samples` projection). */
export interface RoutingSampleStore {
  /** Samples with a performance and a query text. */
  loadScored(tenant: string): Promise<ScoredSamples>;
  /** Aggregates of the scored samples (cheap: no query texts). */
  candidateSummary(tenant: string): Promise<CandidateSummary>;
  /** Records with a logged response (only kept when the projection stores responses). */
  replayable(tenant: string): Promise<ReplayableRecord[]>;
  countScored(tenant: string): Promise<number>;
  /**
   * Takes the tenant's count of newly scored samples when it reached `threshold` (resetting it to 0, atomically,
   * so only one replica wins); returns the count taken, or 0.
   */
  claimNewScored(tenant: string, threshold: number): Promise<number>;
  /** Newly scored samples since the last claim. */
  newScored(tenant: string): Promise<number>;
}
