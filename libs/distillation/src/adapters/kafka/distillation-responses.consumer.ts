import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { ConsumerGroups, Topics } from '@fusion/contracts';
import { consumeEventBatches, entityManagerOf, type Inbox } from '@fusion/shared/event-store';
import type { MessageBus, Subscription } from '@fusion/shared/messaging';
import { INBOX, MESSAGE_BUS } from '@fusion/shared/runtime';
import { counter, rootLogger } from '@fusion/shared/telemetry';
import {
  applyDistillationResponseEvents,
  DISTILLATION_PROJECTION_EVENTS,
} from '../persistence/distillation-responses.projection';
import { DISTILLATION_OPTIONS, type DistillationOptions } from '../distillation.tokens';

const projected = counter(
  'fusion_distillation_projected_events_total',
  'Events applied to the distillation log projection',
  ['type'],
);

/** Projects logged responses and their scores into `distillation_responses` (idempotent by event id). */
@Injectable()
export class DistillationResponsesConsumer implements OnApplicationBootstrap, OnModuleDestroy {
  private subscription: Subscription | null = null;

  constructor(
    @Inject(MESSAGE_BUS) private readonly bus: MessageBus,
    @Inject(INBOX) private readonly inbox: Inbox,
    @Inject(DISTILLATION_OPTIONS) private readonly options: DistillationOptions,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.options.consumeLogs) return;
    this.subscription = await consumeEventBatches(this.bus, this.inbox, {
      groupId: ConsumerGroups.DistillationResponses,
      topics: [Topics.LogsRecorded, Topics.ResponsesScored, Topics.ResponsesJudged],
      relevant: (e) => DISTILLATION_PROJECTION_EVENTS.has(e.type),
      handleBatch: async (events, tx) => {
        await applyDistillationResponseEvents(entityManagerOf(tx), events);
        for (const e of events) projected.inc({ type: e.type });
      },
    });
    rootLogger().info({ group: ConsumerGroups.DistillationResponses }, 'projecting logs for SFT datasets');
  }

  async onModuleDestroy(): Promise<void> {
    await this.subscription?.stop();
  }
}
