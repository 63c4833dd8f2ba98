import type { LogRecord, NewEvent, PromptMode, Split, TaskDomain } from '@fusion/contracts';
import type { TransactionContext } from '@fusion/shared/event-store';
import type { JudgeVerdict } from '../../domain/judge/judge-verdict';

/** The `LogRecorded` event a pipeline result answers: its id is the causation, its trace context travels on. */
export interface EventOrigin {
  eventId: string;
  correlationId: string;
  traceparent: string | null;
  tracestate: string | null;
}

/** Slow work the pipeline does outside any transaction: a sandboxed code_eval, or an LLM judge call. */
export type ScoringJobKind = 'score' | 'judge';

/** What scoring or judging one response needs (a subset of its log record). */
export interface ScoringSubject {
  tenant: string;
  recordId: string;
  queryId: string;
  taskName: string;
  llm: string;
  promptMode: PromptMode;
  query: string;
  response: string;
  groundTruth: string | null;
  metric: string | null;
  /** MBPP number or `HumanEval/k` from the record's metadata, when given. */
  taskId: string | number | null;
}

/** A job to queue, written in the consumer's transaction. */
export interface NewScoringJob {
  kind: ScoringJobKind;
  subject: ScoringSubject;
  origin: EventOrigin;
}

/** A queued job a worker has leased; `claimToken` proves the lease when completing. */
export interface ScoringJob extends NewScoringJob {
  /** Claims so far, this one included. */
  attempts: number;
  claimToken: string;
}

/** A task metric's verdict on a response: null performance with the reason when it could not be scored. */
export interface MetricOutcome {
  /** The metric's canonical name, or the record's own spelling when it is unknown. */
  metric: string | null;
  variant: string | null;
  performance: number | null;
  reason: string | null;
}

/** An event to append with a result, on the stream it belongs to. */
export interface PlannedEvent {
  streamId: string;
  event: NewEvent;
}

/** Finished work: what to store for lookups, and the event that announces it. */
export type ScoringResult =
  | {
      kind: 'score';
      subject: ScoringSubject;
      origin: EventOrigin;
      outcome: MetricOutcome;
      at: string;
      event: PlannedEvent;
    }
  | {
      kind: 'judge';
      subject: ScoringSubject;
      origin: EventOrigin;
      verdict: JudgeVerdict;
      at: string;
      event: PlannedEvent;
    };

/** One consumed log record as the scored-log projection (`evaluation_records`) keeps it. */
export interface ProjectedRecord {
  tenant: string;
  recordId: string;
  queryId: string;
  taskName: string;
  taskDomain: TaskDomain;
  query: string;
  llm: string;
  promptMode: PromptMode;
  /** Given in the log, or computed in the consumer's transaction (text metrics); null until known. */
  performance: number | null;
  performanceSource: 'provided' | 'computed' | null;
  costUsd: number | null;
  judgeScore: number | null;
  split: Split | null;
}

/** Stored scores of one record (the `evaluation_scores` row). */
export interface StoredScore {
  tenant: string;
  recordId: string;
  queryId: string;
  metric: string | null;
  variant: string | null;
  performance: number | null;
  reason: string | null;
  scoredAt: string | null;
  judgeStatus: 'judged' | 'not_judged' | null;
  judgeScore: number | null;
  judgeModel: string | null;
  judgePromptVersion: string | null;
  judgeRawOutput: string | null;
  judgeError: string | null;
  judgedAt: string | null;
}

/** Counts of queued jobs by kind. */
export type PendingJobCounts = Record<ScoringJobKind, number>;

/**
 * Storage of the scoring pipeline: the scored-log projection, the score table, the job queue, and the events
 * that announce results (appended in the same transaction as the rows they describe).
 */
export interface ScoringRepository {
  /** In the consumer's transaction: projection rows, results computed inline (with their events), new jobs. */
  acceptBatch(
    batch: { records: ProjectedRecord[]; results: ScoringResult[]; jobs: NewScoringJob[] },
    tx: TransactionContext,
  ): Promise<void>;
  /** Leases up to `limit` due jobs of a kind for `leaseMs` (a short transaction of its own). */
  claim(kind: ScoringJobKind, limit: number, leaseMs: number): Promise<ScoringJob[]>;
  /**
   * In one short transaction: removes the job if this lease still holds it, stores the result and appends its
   * event. False (and nothing written) when the lease was lost, so a result is never recorded twice.
   */
  complete(job: ScoringJob, result: ScoringResult): Promise<boolean>;
  /** Puts a leased job back, due again after `delayMs`, remembering why it failed. */
  reschedule(job: ScoringJob, error: string, delayMs: number): Promise<void>;
  /** Gives leased jobs back at once (a worker stopping). */
  release(jobs: readonly ScoringJob[]): Promise<void>;
  pendingJobs(): Promise<PendingJobCounts>;
  scoreOf(tenant: string, recordId: string): Promise<StoredScore | null>;
  /** Every projected record of a tenant, as log records (text fields the projection does not keep are empty). */
  records(tenant: string): Promise<LogRecord[]>;
}
