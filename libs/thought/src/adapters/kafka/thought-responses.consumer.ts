import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { ConsumerGroups, Topics } from '@fusion/contracts';
import { consumeEventBatches, entityManagerOf, type Inbox } from '@fusion/shared/event-store';
import type { MessageBus, Subscription } from '@fusion/shared/messaging';
import { INBOX, MESSAGE_BUS } from '@fusion/shared/runtime';
import { counter, rootLogger } from '@fusion/shared/telemetry';
import {
  applyThoughtResponseEvents,
  THOUGHT_PROJECTION_EVENTS,
} from '../persistence/thought-responses.projection';
import { THOUGHT_OPTIONS, type ThoughtOptions } from '../thought.tokens';

const projected = counter(
  'fusion_thought_projected_events_total',
  'Events applied to the thought log projection',
  ['type'],
);

/** Projects logged responses and their scores into `thought_responses` (idempotent by event id). */
@Injectable()
export class ThoughtResponsesConsumer implements OnApplicationBootstrap, OnModuleDestroy {
  private subscription: Subscription | null = null;

  constructor(
    @Inject(MESSAGE_BUS) private readonly bus: MessageBus,
    @Inject(INBOX) private readonly inbox: Inbox,
    @Inject(THOUGHT_OPTIONS) private readonly options: ThoughtOptions,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.options.consumeLogs) return;
    this.subscription = await consumeEventBatches(this.bus, this.inbox, {
      groupId: ConsumerGroups.ThoughtResponses,
      topics: [Topics.LogsRecorded, Topics.ResponsesScored, Topics.ResponsesJudged],
      relevant: (e) => THOUGHT_PROJECTION_EVENTS.has(e.type),
      handleBatch: async (events, tx) => {
        await applyThoughtResponseEvents(entityManagerOf(tx), events);
        for (const e of events) projected.inc({ type: e.type });
      },
    });
    rootLogger().info({ group: ConsumerGroups.ThoughtResponses }, 'projecting logs for thought templates');
  }

  async onModuleDestroy(): Promise<void> {
    await this.subscription?.stop();
  }
}
