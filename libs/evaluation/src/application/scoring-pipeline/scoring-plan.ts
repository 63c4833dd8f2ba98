import type { EventEnvelope, LogRecord } from '@fusion/contracts';
import { ErrorCode, isDomainError } from '@fusion/shared/kernel';
import { resolveMetric } from '../../domain/metrics/metric-registry';
import type { MetricVariant } from '../../domain/metrics/metric';
import type { CodeSandbox } from '../scoring/code-sandbox.port';
import { scoreResponse } from '../scoring/score-response.handler';
import type { EventOrigin, MetricOutcome, ScoringSubject } from './scoring-pipeline.port';

/** What the pipeline does about a record's task metric. */
export type ScorePlan =
  /** Nothing: the log gives the performance, or there is no ground truth or no metric to compute it with. */
  | { kind: 'none' }
  /** A text metric: cheap, pure CPU, computed in the consumer's transaction. */
  | { kind: 'inline' }
  /** code_eval: queued, run in the sandbox outside any transaction. */
  | { kind: 'sandbox' }
  /** Cannot be scored (unknown metric, sandbox disabled): recorded at once with the reason. */
  | { kind: 'unscorable'; outcome: MetricOutcome };

export interface RecordPlan {
  score: ScorePlan;
  judge: boolean;
}

export interface PlanOptions {
  judgeEnabled: boolean;
  sandboxEnabled: boolean;
}

export const SANDBOX_DISABLED_REASON =
  'not scored: code_eval needs the code sandbox, which is disabled in this service (SANDBOX_ENABLED=false)';

function present(value: string | null | undefined): value is string {
  return typeof value === 'string' && value.trim() !== '';
}

/** Decides the work a consumed record needs. */
export function planRecord(record: LogRecord, opts: PlanOptions): RecordPlan {
  return { score: planScore(record, opts), judge: opts.judgeEnabled && record.judgeScore === null };
}

function planScore(record: LogRecord, opts: PlanOptions): ScorePlan {
  if (record.performance !== null || !present(record.groundTruth) || !present(record.metric))
    return { kind: 'none' };
  let kind: 'text' | 'code';
  try {
    kind = resolveMetric(record.metric).kind;
  } catch (err) {
    if (!isDomainError(err)) throw err;
    return {
      kind: 'unscorable',
      outcome: { metric: record.metric, variant: null, performance: null, reason: err.message },
    };
  }
  if (kind === 'text') return { kind: 'inline' };
  if (!opts.sandboxEnabled) {
    return {
      kind: 'unscorable',
      outcome: { metric: 'code_eval', variant: null, performance: null, reason: SANDBOX_DISABLED_REASON },
    };
  }
  return { kind: 'sandbox' };
}

export function subjectOf(record: LogRecord): ScoringSubject {
  const md = record.metadata ?? {};
  const rawTaskId = md['taskId'] ?? md['task_id'];
  return {
    tenant: record.tenant,
    recordId: record.recordId,
    queryId: record.queryId,
    taskName: record.taskName,
    llm: record.llm,
    promptMode: record.promptMode,
    query: record.query,
    response: record.response,
    groundTruth: record.groundTruth,
    metric: record.metric,
    taskId: typeof rawTaskId === 'string' || typeof rawTaskId === 'number' ? rawTaskId : null,
  };
}

export function originOf(event: EventEnvelope): EventOrigin {
  return {
    eventId: event.eventId,
    correlationId: event.correlationId || event.eventId,
    traceparent: event.traceparent ?? null,
    tracestate: event.tracestate ?? null,
  };
}

/**
 * Scores a subject with its task metric. A response the metric cannot judge (unknown metric, unusable ground
 * truth, a response that is not text) is an outcome with null performance and the reason; only infrastructure
 * failures (the sandbox cannot start) throw, and those are never scored 0.
 */
export async function scoreSubject(
  subject: ScoringSubject,
  variant: MetricVariant,
  sandbox: CodeSandbox,
): Promise<MetricOutcome> {
  try {
    const r = await scoreResponse(
      {
        metric: subject.metric ?? '',
        variant,
        response: subject.response,
        groundTruth: subject.groundTruth ?? '',
        taskName: subject.taskName,
        taskId: subject.taskId,
        prompt: subject.query,
      },
      { sandbox },
    );
    return { metric: r.metric, variant: r.variant, performance: r.performance, reason: r.reason };
  } catch (err) {
    if (isDomainError(err) && err.code === ErrorCode.InvalidArgument) {
      return { metric: subject.metric, variant: null, performance: null, reason: err.message };
    }
    throw err;
  }
}
