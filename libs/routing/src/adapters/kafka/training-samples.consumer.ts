import { ConsumerGroups, Topics } from '@fusion/contracts';
import { consumeEventBatches, entityManagerOf, type Inbox } from '@fusion/shared/event-store';
import type { MessageBus, Subscription } from '@fusion/shared/messaging';
import type { AutoTrainScheduler } from '../../application/training/auto-train.scheduler';
import { applySampleEvents, SAMPLE_EVENT_TYPES } from '../persistence/training-samples.projection';

/**
 * The training-sample projection's consumer: `LogRecorded`, `ResponseScored` and `ResponseJudged` in batches (one
 * transaction each, idempotent by event id), then tells the auto-train scheduler which tenants got new scores.
 */
export function consumeTrainingSamples(
  bus: MessageBus,
  inbox: Inbox,
  scheduler: AutoTrainScheduler,
  options: { storeResponses: boolean },
): Promise<Subscription> {
  return consumeEventBatches(bus, inbox, {
    groupId: ConsumerGroups.RoutingTrainingSet,
    topics: [Topics.LogsRecorded, Topics.ResponsesScored, Topics.ResponsesJudged],
    relevant: (e) => SAMPLE_EVENT_TYPES.includes(e.type),
    handleBatch: async (events, tx) => {
      const counts = await applySampleEvents(entityManagerOf(tx), events, options);
      // The scheduler waits out its debounce before reading the counter, by which time this batch has committed.
      for (const tenant of counts.keys()) scheduler.notify(tenant);
    },
  });
}
