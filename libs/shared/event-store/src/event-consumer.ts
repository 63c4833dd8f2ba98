import { EVENT_CATALOG, upcasters, type EventEnvelope } from '@fusion/contracts';
import {
  PoisonMessageError,
  type IncomingMessage,
  type MessageBus,
  type Subscription,
} from '@fusion/shared/messaging';
import type { TransactionContext } from './event-store.port';
import type { Inbox } from './inbox';

export interface EventConsumerSpec {
  groupId: string;
  topics: readonly string[];
  /** Applied once per event id (inbox), in the inbox's transaction. */
  handle: (event: EventEnvelope, tx: TransactionContext) => Promise<void>;
  maxAttempts?: number;
  commitEvery?: number;
  fromBeginning?: boolean;
  /** Told about every redelivered event the inbox skipped (metrics, tests). */
  onDuplicate?: (event: EventEnvelope) => void;
}

const currentVersions = new Map<string, number>(EVENT_CATALOG.map((e) => [e.type, e.schemaVersion] as const));

/** Parses an event envelope off the wire; anything unreadable is poison (straight to the DLQ with the reason). */
export function parseEnvelope(message: IncomingMessage): EventEnvelope {
  let parsed: unknown;
  try {
    parsed = JSON.parse(message.value.toString('utf8'));
  } catch (err) {
    throw new PoisonMessageError(`not JSON: ${(err as Error).message}`);
  }
  const env = parsed as Partial<EventEnvelope>;
  for (const field of ['eventId', 'type', 'streamId', 'tenant'] as const) {
    if (typeof env[field] !== 'string' || (env[field] as string).length === 0) {
      throw new PoisonMessageError(`event envelope is missing ${field}`);
    }
  }
  if (typeof env.schemaVersion !== 'number')
    throw new PoisonMessageError('event envelope is missing schemaVersion');
  const full = env as EventEnvelope;
  const target = currentVersions.get(full.type);
  if (target !== undefined && full.schemaVersion > target) {
    throw new PoisonMessageError(
      `${full.type} v${full.schemaVersion} is newer than this service knows (v${target})`,
    );
  }
  return target !== undefined && full.schemaVersion < target ? upcasters.upcast(full, target) : full;
}

/** Subscribes an idempotent event handler: parse, upcast, dedupe by event id, apply. */
export function consumeEvents(bus: MessageBus, inbox: Inbox, spec: EventConsumerSpec): Promise<Subscription> {
  return bus.subscribe({
    groupId: spec.groupId,
    topics: spec.topics,
    maxAttempts: spec.maxAttempts ?? 5,
    commitEvery: spec.commitEvery ?? 20,
    fromBeginning: spec.fromBeginning ?? true,
    handler: async (message) => {
      const event = parseEnvelope(message);
      const applied = await inbox.processOnce(spec.groupId, event.eventId, (tx) => spec.handle(event, tx));
      if (!applied) spec.onDuplicate?.(event);
    },
  });
}

export interface EventBatchConsumerSpec {
  groupId: string;
  topics: readonly string[];
  /** Applied once per event id, for a batch of new events in order, in one transaction. */
  handleBatch: (events: EventEnvelope[], tx: TransactionContext) => Promise<void>;
  /** Cheap pre-filter: events it rejects are acknowledged without a transaction (nothing to do for them). */
  relevant?: (event: EventEnvelope) => boolean;
  maxBatchSize?: number;
  maxAttempts?: number;
  fromBeginning?: boolean;
  onDuplicate?: (event: EventEnvelope) => void;
}

/**
 * Batched idempotent consumption: one transaction per batch (inbox rows + the handler's writes), which keeps
 * bulk imports fast on both backbones. A failing batch is retried message by message (poison to the DLQ).
 */
export function consumeEventBatches(
  bus: MessageBus,
  inbox: Inbox,
  spec: EventBatchConsumerSpec,
): Promise<Subscription> {
  return bus.subscribe({
    groupId: spec.groupId,
    topics: spec.topics,
    maxAttempts: spec.maxAttempts ?? 5,
    maxBatchSize: spec.maxBatchSize ?? 500,
    commitEvery: 1,
    fromBeginning: spec.fromBeginning ?? true,
    batchHandler: async (messages) => {
      const events = messages.map(parseEnvelope);
      const wanted = spec.relevant ? events.filter(spec.relevant) : events;
      if (wanted.length === 0) return;
      const fresh = await inbox.processBatchOnce(
        spec.groupId,
        wanted.map((e) => e.eventId),
        async (ids, tx) => {
          const seen = new Set<string>();
          const batch = wanted.filter(
            (e) => ids.has(e.eventId) && !seen.has(e.eventId) && seen.add(e.eventId),
          );
          await spec.handleBatch(batch, tx);
        },
      );
      if (spec.onDuplicate) for (const e of wanted) if (!fresh.has(e.eventId)) spec.onDuplicate(e);
    },
  });
}
