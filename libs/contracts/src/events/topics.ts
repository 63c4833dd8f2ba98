/** Kafka topics: `fusion.<entity>.<fact>.v<N>`, keyed by stream id. */
export const Topics = {
  /** Raw log records from producers that already publish to Kafka (JSON canonical records, snake_case). */
  LogsRaw: 'fusion.logs.raw.v1',
  LogsRecorded: 'fusion.logs.recorded.v1',
  ResponsesScored: 'fusion.responses.scored.v1',
  ResponsesJudged: 'fusion.responses.judged.v1',
  RoutersRegistered: 'fusion.routers.registered.v1',
  RoutersPromoted: 'fusion.routers.promoted.v1',
  RoutersPromotionRejected: 'fusion.routers.promotion-rejected.v1',
  RoutesDecided: 'fusion.routes.decided.v1',
  RoutesExecuted: 'fusion.routes.executed.v1',
  BenchmarksCompleted: 'fusion.benchmarks.completed.v1',
  ThoughtTemplatesBuilt: 'fusion.thought-templates.built.v1',
  DistillationDatasetsBuilt: 'fusion.distillation-datasets.built.v1',
  DistillationJobsSubmitted: 'fusion.distillation-jobs.submitted.v1',
  RoutersChallengerAssigned: 'fusion.routers.challenger-assigned.v1',
  RoutersChallengerCleared: 'fusion.routers.challenger-cleared.v1',
} as const;
export type Topic = (typeof Topics)[keyof typeof Topics];

/** Dead-letter topic of one consumer group. */
export function dlqTopicFor(groupId: string): string {
  return `fusion.dlq.${groupId}.v1`;
}

/** Explicit consumer group ids (never Nest's implicit suffixes). */
export const ConsumerGroups = {
  IngestionRawLogs: 'fusion-ingestion-raw-logs',
  EvaluationScorer: 'fusion-evaluation-scorer',
  RoutingTrainingSet: 'fusion-routing-training-set',
  RoutingRegistry: 'fusion-routing-registry',
  ThoughtResponses: 'fusion-thought-responses',
  DistillationResponses: 'fusion-distillation-responses',
} as const;
