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

export const RouterPromoted = { type: 'RouterPromoted', schemaVersion: 1, topic: Topics.RoutersPromoted } as const;
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
  ranked: RankedCandidate[];
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

export const RouteExecuted = { type: 'RouteExecuted', schemaVersion: 1, topic: Topics.RoutesExecuted } as const;
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
