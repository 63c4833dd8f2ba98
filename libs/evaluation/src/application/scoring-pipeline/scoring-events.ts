import {
  ResponseJudged,
  ResponseScored,
  type ResponseJudgedV1,
  type ResponseScoredV1,
} from '@fusion/contracts';
import { uuidFromName } from '@fusion/shared/kernel';
import type { JudgeVerdict } from '../../domain/judge/judge-verdict';
import type { EventOrigin, MetricOutcome, PlannedEvent, ScoringSubject } from './scoring-pipeline.port';

/** Stream of one query's evaluation events: `evaluation-<tenant>-<queryId>`. */
export function evaluationStreamId(tenant: string, queryId: string): string {
  return `evaluation-${tenant}-${queryId}`;
}

/** Deterministic id of a record's `ResponseScored`: a replayed append can never create a second event. */
export function responseScoredEventId(tenant: string, recordId: string): string {
  return uuidFromName(`ResponseScored/${tenant}/${recordId}`);
}

/** Deterministic id of a record's `ResponseJudged`. */
export function responseJudgedEventId(tenant: string, recordId: string): string {
  return uuidFromName(`ResponseJudged/${tenant}/${recordId}`);
}

export function responseScoredEvent(
  subject: ScoringSubject,
  outcome: MetricOutcome,
  origin: EventOrigin,
): PlannedEvent {
  const data: ResponseScoredV1 = {
    recordId: subject.recordId,
    queryId: subject.queryId,
    taskName: subject.taskName,
    llm: subject.llm,
    promptMode: subject.promptMode,
    metric: outcome.metric,
    performance: outcome.performance,
    source: 'computed',
    reason: outcome.reason,
    metricVariant: outcome.variant,
  };
  return {
    streamId: evaluationStreamId(subject.tenant, subject.queryId),
    event: {
      eventId: responseScoredEventId(subject.tenant, subject.recordId),
      type: ResponseScored.type,
      schemaVersion: ResponseScored.schemaVersion,
      tenant: subject.tenant,
      causationId: origin.eventId,
      correlationId: origin.correlationId,
      data,
    },
  };
}

/** What the judge server sent back: the reply text, or the unusable body of a failed call. */
export function judgeRawOutput(verdict: JudgeVerdict): string | null {
  return verdict.rawOutput ?? verdict.error?.rawBody ?? null;
}

export function judgeErrorText(verdict: JudgeVerdict): string | null {
  const e = verdict.error;
  if (!e) return null;
  return `${e.kind}${e.llmErrorKind ? ` (${e.llmErrorKind})` : ''}: ${e.message}`;
}

export function responseJudgedEvent(
  subject: ScoringSubject,
  verdict: JudgeVerdict,
  origin: EventOrigin,
): PlannedEvent {
  const data: ResponseJudgedV1 = {
    recordId: subject.recordId,
    queryId: subject.queryId,
    status: verdict.status,
    score: verdict.score,
    judgeModel: verdict.judgeModel,
    promptVersion: verdict.promptVersion,
    rawOutput: judgeRawOutput(verdict),
    error: judgeErrorText(verdict),
  };
  return {
    streamId: evaluationStreamId(subject.tenant, subject.queryId),
    event: {
      eventId: responseJudgedEventId(subject.tenant, subject.recordId),
      type: ResponseJudged.type,
      schemaVersion: ResponseJudged.schemaVersion,
      tenant: subject.tenant,
      causationId: origin.eventId,
      correlationId: origin.correlationId,
      data,
    },
  };
}
