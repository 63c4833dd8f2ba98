import type { SandboxLimits } from './sandbox/bubblewrap-sandbox.adapter';
import type { MetricVariant } from '../domain/metrics/metric';
import type { BenchmarkFileLoader } from '../application/benchmark-rpc/benchmark-data-source.port';
import type { StrategyTrainerFactory } from '../application/benchmark-rpc/strategy-trainer-factory.port';
import type { ScoringJobKind } from '../application/scoring-pipeline/scoring-pipeline.port';
import type { ScoringWorkerSettings } from '../application/scoring-pipeline/scoring-worker';
import type { JudgeSettings } from './llm/judge.factory';

export const EVALUATION_OPTIONS = 'evaluation:Options';
export const SCORING_REPOSITORY = 'evaluation:ScoringRepository';
export const CODE_SANDBOX = 'evaluation:CodeSandbox';
/** The JudgeService, or null when no judge is configured. */
export const JUDGE_SERVICE = 'evaluation:JudgeService';
export const ACCEPT_LOG_RECORDS_HANDLER = 'evaluation:AcceptLogRecordsHandler';
export const SCORING_WORKERS = 'evaluation:ScoringWorkers';
export const BENCHMARK_DATA_SOURCE = 'evaluation:BenchmarkDataSource';

/** Evaluation settings from the app's config (and the ports a composition root plugs in). */
export interface EvaluationOptions {
  /** The LLM judge; null = no judge (records are not judged, JudgeResponse is FAILED_PRECONDITION). */
  judge: JudgeSettings | null;
  sandbox: {
    /** False: code_eval records are recorded as not scored, ScoreResponse(code_eval) is FAILED_PRECONDITION. */
    enabled: boolean;
    /** Sandboxes running at once. */
    concurrency: number;
    limits?: Partial<SandboxLimits>;
  };
  /** Metric definitions the pipeline applies to logged responses. */
  metricVariant: MetricVariant;
  /** Folder RunBenchmark writes reports under (`out_dir` is relative to it). */
  reportDir: string;
  /** Folders RunBenchmark's `data_path` may name; unrestricted when empty. */
  dataRoots: string[];
  /** Run the scoring pipeline (consume LogRecorded, drain jobs). */
  consumeLogs: boolean;
  /** Worker tuning per job kind (tests shorten the polling). */
  workers: Record<ScoringJobKind, ScoringWorkerSettings>;
  /** Reads benchmark files in the import formats; without it RunBenchmark only reads the stored logs. */
  loadBenchmarkFile: BenchmarkFileLoader | null;
  /** Routing strategies for RunBenchmark; without them only the baselines are reported. */
  strategyTrainers: StrategyTrainerFactory | null;
}

/** What a caller passes: any subset, worker tuning per field (the rest takes the defaults). */
export type EvaluationOptionsInput = Partial<Omit<EvaluationOptions, 'workers'>> & {
  workers?: { [K in ScoringJobKind]?: Partial<ScoringWorkerSettings> };
};
