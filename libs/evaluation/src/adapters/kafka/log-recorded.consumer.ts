import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { ConsumerGroups, LogRecorded, Topics } from '@fusion/contracts';
import { consumeEventBatches, type Inbox } from '@fusion/shared/event-store';
import { ErrorCode, isDomainError } from '@fusion/shared/kernel';
import { PoisonMessageError, type MessageBus, type Subscription } from '@fusion/shared/messaging';
import { INBOX, MESSAGE_BUS } from '@fusion/shared/runtime';
import { counter, rootLogger } from '@fusion/shared/telemetry';
import type { AcceptLogRecordsHandler } from '../../application/scoring-pipeline/accept-log-records.handler';
import {
  ACCEPT_LOG_RECORDS_HANDLER,
  EVALUATION_OPTIONS,
  SCORING_WORKERS,
  type EvaluationOptions,
} from '../evaluation.tokens';
import type { ScoringWorkers } from './scoring-workers.runner';

const consumed = counter(
  'fusion_evaluation_records_consumed_total',
  'LogRecorded records taken in by the scorer, by what they needed',
  ['work'],
);

/**
 * Consumes `LogRecorded` (group `fusion-evaluation-scorer`) in batches, one transaction per batch: every record goes
 * into the scored-log projection, text metrics are computed there and then (ResponseScored appended in the same
 * transaction), and code_eval and judge work is queued for the {@link ScoringWorkers}, which run it outside any
 * transaction. Records whose log already gives a performance produce no ResponseScored: the routing projection reads
 * provided scores from LogRecorded directly.
 *
 * Transaction boundaries: a sandbox run (seconds) or a judge call (up to minutes with retries) never happens inside
 * a transaction, because on PGlite one open transaction holds the only session and would stall the whole database.
 * The batch transaction only writes rows (inbox, projection, job queue, inline results and their events); a worker
 * then leases jobs in a one-statement transaction, computes with nothing open, and stores each result with its event
 * in a short transaction that deletes the job only if its lease still holds. Idempotency: the inbox drops a
 * redelivered LogRecorded, jobs are keyed by (tenant, record, kind), a result is written only with the job's removal
 * under its lease token, and event ids are derived from the record (`ResponseScored/<tenant>/<recordId>`).
 */
@Injectable()
export class LogRecordedConsumer implements OnApplicationBootstrap, OnModuleDestroy {
  private subscription: Subscription | null = null;

  constructor(
    @Inject(MESSAGE_BUS) private readonly bus: MessageBus,
    @Inject(INBOX) private readonly inbox: Inbox,
    @Inject(ACCEPT_LOG_RECORDS_HANDLER) private readonly handler: AcceptLogRecordsHandler,
    @Inject(SCORING_WORKERS) private readonly workers: ScoringWorkers,
    @Inject(EVALUATION_OPTIONS) private readonly options: EvaluationOptions,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.options.consumeLogs) return;
    this.subscription = await consumeEventBatches(this.bus, this.inbox, {
      groupId: ConsumerGroups.EvaluationScorer,
      topics: [Topics.LogsRecorded],
      // Every LogRecorded is relevant, even one needing no scoring: the projection the benchmark reads needs all
      // records. The batch costs one transaction (a multi-row insert), never one per record.
      relevant: (event) => event.type === LogRecorded.type,
      handleBatch: async (events, tx) => {
        let summary;
        try {
          summary = await this.handler.execute(events, tx);
        } catch (err) {
          // A record without its identifying fields can never succeed: straight to the DLQ, with the field named.
          if (isDomainError(err) && err.code === ErrorCode.InvalidArgument) {
            throw new PoisonMessageError(err.message, { cause: err });
          }
          throw err;
        }
        consumed.inc({ work: 'projected' }, summary.records);
        consumed.inc({ work: 'inline_score' }, summary.scoredInline);
        consumed.inc({ work: 'queued_score' }, summary.queued.score);
        consumed.inc({ work: 'queued_judge' }, summary.queued.judge);
        if (summary.queued.score > 0 || summary.queued.judge > 0) this.workers.kick();
      },
    });
    rootLogger().info(
      { topic: Topics.LogsRecorded, group: ConsumerGroups.EvaluationScorer },
      'scoring logged responses',
    );
  }

  async onModuleDestroy(): Promise<void> {
    await this.subscription?.stop();
  }
}
