import type { LogRecord, PromptMode } from '../log-record';
import { Topics } from './topics';

/** `LogRecorded` v1: an accepted log record. Stream: `query-<tenant>-<queryId>`. */
export const LogRecorded = { type: 'LogRecorded', schemaVersion: 1, topic: Topics.LogsRecorded } as const;
export interface LogRecordedV1 {
  record: LogRecord;
}

/** `ResponseScored` v1: the task metric of a response, given in the log or computed from ground truth. */
export const ResponseScored = {
  type: 'ResponseScored',
  schemaVersion: 1,
  topic: Topics.ResponsesScored,
} as const;
export interface ResponseScoredV1 {
  recordId: string;
  queryId: string;
  taskName: string;
  llm: string;
  promptMode: PromptMode;
  metric: string | null;
  /** 0..1, or null when the response could not be scored (reason says why). */
  performance: number | null;
  source: 'provided' | 'computed';
  reason: string | null;
  metricVariant: string | null;
}

/** `ResponseJudged` v1: an LLM judge's grade. `not_judged` is never recorded as a 0. */
export const ResponseJudged = {
  type: 'ResponseJudged',
  schemaVersion: 1,
  topic: Topics.ResponsesJudged,
} as const;
export interface ResponseJudgedV1 {
  recordId: string;
  queryId: string;
  status: 'judged' | 'not_judged';
  score: number | null;
  judgeModel: string;
  promptVersion: string;
  rawOutput: string | null;
  error: string | null;
}

/** Held-out metrics of a router version, per scenario (reward = a*perf - b*cost on normalised values). */
export interface RouterScenarioMetrics {
  scenario: string;
  performance: number;
  cost: number;
  reward: number;
  costUsd: number;
}

/** `RouterVersionRegistered` v1. Stream: `router-<tenant>-<routerId>`. */
export const RouterVersionRegistered = {
  type: 'RouterVersionRegistered',
  schemaVersion: 1,
  topic: Topics.RoutersRegistered,
} as const;
export interface RouterVersionRegisteredV1 {
  routerId: string;
  version: number;
  kind: string;
  artifactKey: string;
  artifactSha256: string;
  trainedOnRecords: number;
  trainedOnQueries: number;
  trainedAtPosition: string;
  candidates: string[];
  metrics: RouterScenarioMetrics[];
  trigger: 'manual' | 'auto' | 'startup';
}

/** The promotion gate's inputs and verdict, recorded with the decision. */
export interface PromotionGate {
  scenario: string;
  challengerReward: number;
  championReward: number | null;
  championRouterId: string | null;
  championVersion: number | null;
  passed: boolean;
  reason: string;
}

export const RouterPromoted = {
  type: 'RouterPromoted',
  schemaVersion: 1,
  topic: Topics.RoutersPromoted,
} as const;
export interface RouterPromotedV1 {
  routerId: string;
  version: number;
  kind: string;
  artifactKey: string;
  gate: PromotionGate;
  forced: boolean;
}

export const RouterPromotionRejected = {
  type: 'RouterPromotionRejected',
  schemaVersion: 1,
  topic: Topics.RoutersPromotionRejected,
} as const;
export interface RouterPromotionRejectedV1 {
  routerId: string;
  version: number;
  gate: PromotionGate;
}

export interface RankedCandidate {
  candidate: string;
  predictedPerformance: number;
  predictedCostUsd: number;
  score: number;
}

/** `RouteDecided` v1. Stream: `route-<tenant>-<requestId>`. */
export const RouteDecided = { type: 'RouteDecided', schemaVersion: 1, topic: Topics.RoutesDecided } as const;
export interface RouteDecidedV1 {
  requestId: string;
  routerId: string;
  routerVersion: number;
  chosen: string;
  /** The head of the ranking, best first (the RouteQuery response carries all of it). */
  ranked: RankedCandidate[];
  /** How many candidates were ranked (absent in events written before it was added). */
  rankedTotal?: number;
  policy: Record<string, unknown>;
  reason: string;
  shadow: { routerId: string; routerVersion: number; chosen: string } | null;
  fallbackToBestSingle: boolean;
}

export interface ExecutionAttempt {
  candidate: string;
  ok: boolean;
  error: string | null;
  latencyMs: number;
}

export const RouteExecuted = {
  type: 'RouteExecuted',
  schemaVersion: 1,
  topic: Topics.RoutesExecuted,
} as const;
export interface RouteExecutedV1 {
  requestId: string;
  servedBy: string | null;
  attempts: ExecutionAttempt[];
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  latencyMs: number;
  loggedRecordId: string | null;
}

export const BenchmarkCompleted = {
  type: 'BenchmarkCompleted',
  schemaVersion: 1,
  topic: Topics.BenchmarksCompleted,
} as const;
export interface BenchmarkCompletedV1 {
  benchmarkId: string;
  dataset: string;
  scenarios: string[];
  summary: Record<string, unknown>;
}

/** `ThoughtTemplatesBuilt` v1: a tenant's thought-template library was (re)built. Stream: `thought-library-<tenant>`. */
export const ThoughtTemplatesBuilt = {
  type: 'ThoughtTemplatesBuilt',
  schemaVersion: 1,
  topic: Topics.ThoughtTemplatesBuilt,
} as const;
export interface ThoughtTemplatesBuiltV1 {
  buildId: string;
  /** performance, judge or hybrid. */
  selection: string;
  /** `llm:<model>` or `extractive-v1`. */
  summarizer: string;
  /** Embedding space of the stored query vectors. */
  embedder: string;
  queriesPerTask: number;
  templates: number;
  tasks: string[];
  /** Queries left out because their summary failed. */
  failed: number;
}

/** `DistillationDatasetBuilt` v1: an SFT dataset was written. Stream: `distillation-dataset-<tenant>-<datasetId>`. */
export const DistillationDatasetBuilt = {
  type: 'DistillationDatasetBuilt',
  schemaVersion: 1,
  topic: Topics.DistillationDatasetsBuilt,
} as const;
export interface DistillationDatasetBuiltV1 {
  datasetId: string;
  /** perf, judge, hybrid or baseline. */
  setting: string;
  topK: number;
  records: number;
  queries: number;
  /** Where the Alpaca JSON file was written, and its LLaMA-Factory dataset name. */
  path: string;
  datasetName: string;
  skippedResponses: number;
  queriesWithoutGroundTruth: number;
}

/** `DistillationJobSubmitted` v1: a trainer (SFT) job was handed to a runner. Stream: `distillation-job-<tenant>-<jobId>`. */
export const DistillationJobSubmitted = {
  type: 'DistillationJobSubmitted',
  schemaVersion: 1,
  topic: Topics.DistillationJobsSubmitted,
} as const;
export interface DistillationJobSubmittedV1 {
  jobId: string;
  datasetId: string;
  baseModel: string;
  studentName: string;
  /** kubernetes or local. */
  runner: string;
  /** `submitted` (the cluster accepted the Job) or `awaiting_cluster` (manifest written, no cluster). */
  status: string;
  message: string;
  manifestPath: string | null;
  kubernetes: { namespace: string; name: string; uid: string | null } | null;
  hyperparameters: Record<string, string | number | boolean>;
}

/** `RouterChallengerAssigned` v1: a version now runs in shadow beside the champion. Stream: `router-<tenant>-registry`. */
export const RouterChallengerAssigned = {
  type: 'RouterChallengerAssigned',
  schemaVersion: 1,
  topic: Topics.RoutersChallengerAssigned,
} as const;
export interface RouterChallengerAssignedV1 {
  routerId: string;
  version: number;
  kind: string;
  artifactKey: string;
  /** The gate as evaluated when the version was assigned (shadow versions are not promoted by it). */
  gate: PromotionGate | null;
}

/** `RouterChallengerCleared` v1: the shadow version stopped running (promoted, replaced or removed). */
export const RouterChallengerCleared = {
  type: 'RouterChallengerCleared',
  schemaVersion: 1,
  topic: Topics.RoutersChallengerCleared,
} as const;
export interface RouterChallengerClearedV1 {
  routerId: string;
  version: number;
  reason: 'promoted' | 'replaced' | 'cleared';
}

/** Every event type the platform knows, with its current schema version and topic. */
export const EVENT_CATALOG = [
  LogRecorded,
  ResponseScored,
  ResponseJudged,
  RouterVersionRegistered,
  RouterPromoted,
  RouterPromotionRejected,
  RouteDecided,
  RouteExecuted,
  BenchmarkCompleted,
  ThoughtTemplatesBuilt,
  DistillationDatasetBuilt,
  DistillationJobSubmitted,
  RouterChallengerAssigned,
  RouterChallengerCleared,
] as const;

export function topicForEventType(type: string): string {
  const entry = EVENT_CATALOG.find((e) => e.type === type);
  if (!entry) throw new Error(`unknown event type ${type}: add it to EVENT_CATALOG in libs/contracts`);
  return entry.topic;
}

export function streamIdForQuery(tenant: string, queryId: string): string {
  return `query-${tenant}-${queryId}`;
}
export function streamIdForRouter(tenant: string, routerId: string): string {
  return `router-${tenant}-${routerId}`;
}
export function streamIdForRoute(tenant: string, requestId: string): string {
  return `route-${tenant}-${requestId}`;
}
export function streamIdForThoughtLibrary(tenant: string): string {
  return `thought-library-${tenant}`;
}
export function streamIdForDistillationDataset(tenant: string, datasetId: string): string {
  return `distillation-dataset-${tenant}-${datasetId}`;
}
export function streamIdForDistillationJob(tenant: string, jobId: string): string {
  return `distillation-job-${tenant}-${jobId}`;
}
