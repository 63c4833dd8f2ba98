// Metrics and scoring
export * from './domain/metrics/metric';
export * from './domain/metrics/metric-registry';
export { isEquiv, stripString, lastBoxedContent } from './domain/metrics/hendrycks-math';
export * from './application/scoring/code-sandbox.port';
export * from './application/scoring/score-response.command';
export * from './application/scoring/score-response.handler';
export * from './adapters/sandbox/bubblewrap-sandbox.adapter';
// LLM judge
export * from './domain/judge/judge.prompt';
export * from './domain/judge/judge-output.parser';
export * from './domain/judge/judge-verdict';
export * from './application/judge/judge.service';
// Benchmark harness
export * from './domain/benchmark/strategy';
export * from './domain/benchmark/scenario';
export * from './domain/benchmark/query-split';
export * from './domain/benchmark/benchmark-query.builder';
export * from './domain/benchmark/task-normalisation';
export * from './domain/benchmark/reward-table';
export * from './domain/benchmark/ranking-metrics';
export * from './domain/benchmark/pareto-frontier';
export * from './domain/benchmark/benchmark-report';
export * from './application/benchmark/run-benchmark.command';
export * from './application/benchmark/run-benchmark.handler';
export * from './application/benchmark/benchmark-report-writer.port';
export * from './adapters/report/json-report.serializer';
export * from './adapters/report/html-report.renderer';
export * from './adapters/report/console-table.renderer';
export * from './adapters/report/pareto-plot.renderer';
export * from './adapters/report/report-files.writer';
// Scoring pipeline and the evaluation service
export type {
  EventOrigin,
  MetricOutcome,
  PendingJobCounts,
  ProjectedRecord,
  ScoringJobKind,
  ScoringRepository,
  StoredScore,
} from './application/scoring-pipeline/scoring-pipeline.port';
export {
  evaluationStreamId,
  responseJudgedEventId,
  responseScoredEventId,
} from './application/scoring-pipeline/scoring-events';
export {
  DEFAULT_WORKER_SETTINGS,
  type ScoringWorkerSettings,
} from './application/scoring-pipeline/scoring-worker';
export * from './application/benchmark-rpc/benchmark-data-source.port';
export * from './application/benchmark-rpc/strategy-trainer-factory.port';
export * from './application/benchmark-rpc/run-benchmark-request.handler';
export { createJudgeService, type JudgeSettings } from './adapters/llm/judge.factory';
export { CreateEvaluationTables1767225800000 } from './adapters/persistence/1767225800000-create-evaluation-tables';
export { EvaluationModule, evaluationContext, resolveEvaluationOptions } from './adapters/evaluation.module';
export * from './adapters/evaluation.tokens';
