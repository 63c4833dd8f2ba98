import type { EventEnvelope, LogRecord, LogRecordedV1 } from '@fusion/contracts';
import { DomainError, type Clock } from '@fusion/shared/kernel';
import type { TransactionContext } from '@fusion/shared/event-store';
import type { MetricVariant } from '../../domain/metrics/metric';
import type { CodeSandbox } from '../scoring/code-sandbox.port';
import { responseScoredEvent } from './scoring-events';
import { originOf, planRecord, scoreSubject, subjectOf, type PlanOptions } from './scoring-plan';
import type {
  NewScoringJob,
  ProjectedRecord,
  ScoringRepository,
  ScoringResult,
} from './scoring-pipeline.port';

export interface AcceptLogRecordsDeps {
  repository: ScoringRepository;
  /** Never called from here: text metrics do not run code. Passed so scoring has one entry point. */
  sandbox: CodeSandbox;
  clock: Clock;
  variant: MetricVariant;
  plan: PlanOptions;
}

/** What one batch led to. */
export interface AcceptedBatchSummary {
  records: number;
  scoredInline: number;
  queued: { score: number; judge: number };
}

/** The record of a `LogRecorded` envelope; a payload without one is a bad message (field named). */
export function recordOf(event: EventEnvelope): LogRecord {
  const record = (event.data as Partial<LogRecordedV1> | null)?.record;
  if (!record || typeof record !== 'object') {
    throw DomainError.invalidArgument('data.record', `LogRecorded ${event.eventId} carries no record`);
  }
  for (const field of ['recordId', 'queryId', 'taskName', 'llm'] as const) {
    if (typeof record[field] !== 'string' || record[field] === '') {
      throw DomainError.invalidArgument(
        `data.record.${field}`,
        `LogRecorded ${event.eventId}: must be a non-empty string`,
      );
    }
  }
  return record;
}

/**
 * The consumer's side of the scoring pipeline, run in the batch transaction: projects every record, computes text
 * metrics at once (pure CPU, microseconds) and appends their `ResponseScored`, and queues code_eval and judge work
 * as jobs for the workers, which run it outside any transaction.
 */
export class AcceptLogRecordsHandler {
  constructor(private readonly deps: AcceptLogRecordsDeps) {}

  async execute(events: readonly EventEnvelope[], tx: TransactionContext): Promise<AcceptedBatchSummary> {
    const records: ProjectedRecord[] = [];
    const results: ScoringResult[] = [];
    const jobs: NewScoringJob[] = [];
    const at = this.deps.clock.now().toISOString();
    const seen = new Set<string>();
    for (const event of events) {
      const record = recordOf(event);
      // One record twice in a batch would append one deterministic event id twice: keep the first.
      const key = `${record.tenant}\u0000${record.recordId}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const plan = planRecord(record, this.deps.plan);
      const subject = subjectOf(record);
      const origin = originOf(event);
      const projected = projectionOf(record);
      if (plan.score.kind === 'inline' || plan.score.kind === 'unscorable') {
        const outcome =
          plan.score.kind === 'inline'
            ? await scoreSubject(subject, this.deps.variant, this.deps.sandbox)
            : plan.score.outcome;
        results.push({
          kind: 'score',
          subject,
          origin,
          outcome,
          at,
          event: responseScoredEvent(subject, outcome, origin),
        });
        if (outcome.performance !== null) {
          projected.performance = outcome.performance;
          projected.performanceSource = 'computed';
        }
      } else if (plan.score.kind === 'sandbox') {
        jobs.push({ kind: 'score', subject, origin });
      }
      if (plan.judge) jobs.push({ kind: 'judge', subject, origin });
      records.push(projected);
    }
    await this.deps.repository.acceptBatch({ records, results, jobs }, tx);
    return {
      records: records.length,
      scoredInline: results.length,
      queued: {
        score: jobs.filter((j) => j.kind === 'score').length,
        judge: jobs.filter((j) => j.kind === 'judge').length,
      },
    };
  }
}

function projectionOf(r: LogRecord): ProjectedRecord {
  return {
    tenant: r.tenant,
    recordId: r.recordId,
    queryId: r.queryId,
    taskName: r.taskName,
    taskDomain: r.taskDomain,
    query: r.query,
    llm: r.llm,
    promptMode: r.promptMode,
    performance: r.performance,
    performanceSource: r.performance !== null ? 'provided' : null,
    costUsd: r.costUsd,
    judgeScore: r.judgeScore,
    split: r.split,
  };
}
