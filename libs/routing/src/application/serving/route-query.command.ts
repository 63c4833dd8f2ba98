import type { ChatMessage } from '@fusion/shared/llm';
import type { RoutingDecision, RoutingPolicy } from '../../domain/policy';
import type { AttemptReport } from './backend-execution';

/** A request to route (and maybe execute) one query. */
export interface RouteQueryCommand {
  tenant: string;
  /** Client request id; generated when empty. */
  requestId?: string;
  /** The query; when empty, the last user message. */
  query: string;
  /** The chat to send (default: the query as one user message). */
  messages?: readonly ChatMessage[];
  policy: RoutingPolicy;
  /** Augment the prompt with retrieved reasoning templates (thought-level fusion). */
  thoughtAugmentation?: boolean;
  taskHint?: string;
  maxTokens?: number;
  temperature?: number;
  /** Cancels backend calls when the client goes away. */
  signal?: AbortSignal;
  traceparent?: string;
  tracestate?: string;
}

/** The decision as served: which router decided (or the best-single fallback) and what the shadow would choose. */
export interface ServedDecision {
  requestId: string;
  tenant: string;
  query: string;
  routerId: string;
  routerVersion: number;
  routerKind: string;
  fallbackToBestSingle: boolean;
  decision: RoutingDecision;
  /** Candidates the policy left out, with why (`no_backend` in execute mode when nothing can serve them). */
  excluded: { candidate: string; reason: string }[];
  /** Task domain of the inferred task (from the router's training log), when known. */
  taskDomain: string | null;
  shadow: { routerId: string; routerVersion: number; routerKind: string; chosen: string } | null;
}

/** What an executed request produced. */
export interface RouteCompletion {
  text: string;
  servedBy: string;
  backend: string;
  /** The model id the backend reported. */
  model: string;
  inputTokens: number;
  outputTokens: number;
  usageEstimated: boolean;
  costUsd: number;
  latencyMs: number;
  finishReason: string;
  loggedRecordId: string;
}

export interface ExecutedRoute {
  requestId: string;
  /** Null when the client named a concrete model (no routing). */
  decided: ServedDecision | null;
  completion: RouteCompletion;
  attempts: AttemptReport[];
}

/** What the streaming variant yields: the decision first, then text deltas, then the completion. */
export type RouteStreamEvent =
  | { type: 'decision'; decided: ServedDecision | null; requestId: string }
  | { type: 'delta'; text: string; candidate: string }
  | { type: 'completion'; executed: ExecutedRoute };
