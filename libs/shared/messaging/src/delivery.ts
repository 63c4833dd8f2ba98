import { dlqTopicFor } from '@fusion/contracts';
import {
  DlqHeaders,
  PoisonMessageError,
  type IncomingMessage,
  type MessageHandler,
  type OutgoingMessage,
  type SubscriptionSpec,
} from './message-bus.port';

export type DeliveryOutcome = { kind: 'handled' } | { kind: 'dead-lettered'; reason: string };

/**
 * The retry / dead-letter policy both adapters share: retry retryable failures with backoff up to
 * `maxAttempts`, dead-letter poison messages at once, and never let one message stop the consumer.
 */
export async function deliverWithPolicy(
  spec: Pick<SubscriptionSpec, 'groupId' | 'maxAttempts' | 'retryBackoffMs'> & { handler: MessageHandler },
  message: Omit<IncomingMessage, 'attempt'>,
  publishDlq: (m: OutgoingMessage) => Promise<void>,
  isStopping: () => boolean,
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
): Promise<DeliveryOutcome> {
  const maxAttempts = spec.maxAttempts ?? 3;
  const backoff = spec.retryBackoffMs ?? 200;
  let lastError: unknown;
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    try {
      await spec.handler({ ...message, attempt });
      return { kind: 'handled' };
    } catch (err) {
      lastError = err;
      if (err instanceof PoisonMessageError) break;
      if (isStopping()) throw err; // leave it uncommitted: the next subscriber gets it again
      if (attempt < maxAttempts) await sleep(backoff * 2 ** (attempt - 1));
    }
  }
  const reason = describe(lastError);
  await publishDlq({
    topic: dlqTopicFor(spec.groupId),
    key: message.key ?? '',
    value: message.value,
    headers: {
      ...message.headers,
      [DlqHeaders.Reason]: reason,
      [DlqHeaders.OriginalTopic]: message.topic,
      [DlqHeaders.OriginalPartition]: String(message.partition),
      [DlqHeaders.OriginalOffset]: message.offset,
      [DlqHeaders.ConsumerGroup]: spec.groupId,
      [DlqHeaders.Attempts]: String(lastError instanceof PoisonMessageError ? 1 : maxAttempts),
    },
  });
  return { kind: 'dead-lettered', reason };
}

function describe(err: unknown): string {
  const text = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return text.length > 2000 ? `${text.slice(0, 2000)}...` : text;
}

/** Stable partition of a key (Kafka's default partitioner uses murmur2; in-process only needs stability). */
export function partitionOf(key: string, partitions: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h % partitions;
}

/** The one-message handler of a spec (in batch mode: a batch of one). */
export function singleHandlerOf(spec: SubscriptionSpec): MessageHandler {
  if (spec.handler) return spec.handler;
  const batch = spec.batchHandler;
  if (!batch) throw new Error(`subscription ${spec.groupId} needs a handler or a batchHandler`);
  return (m) => batch([m]);
}

/**
 * Delivers consecutive messages of one partition. In batch mode the whole batch goes first; if it fails,
 * each message is delivered alone under the retry/DLQ policy, so one poison message never blocks the rest.
 */
export async function deliverBatchWithPolicy(
  spec: SubscriptionSpec,
  messages: Omit<IncomingMessage, 'attempt'>[],
  publishDlq: (m: OutgoingMessage) => Promise<void>,
  isStopping: () => boolean,
): Promise<void> {
  const single = singleHandlerOf(spec);
  if (spec.batchHandler && messages.length > 1) {
    try {
      await spec.batchHandler(messages.map((m) => ({ ...m, attempt: 1 })));
      return;
    } catch {
      if (isStopping()) throw new Error('subscription stopping');
    }
  }
  for (const m of messages) {
    await deliverWithPolicy({ ...spec, handler: single }, m, publishDlq, isStopping);
  }
}
