/** A message to publish. `key` decides the partition, so one stream's messages stay in order. */
export interface OutgoingMessage {
  topic: string;
  key: string;
  value: string | Buffer;
  headers?: Record<string, string>;
}

export interface IncomingMessage {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: Buffer;
  headers: Record<string, string>;
  timestamp: string;
  /** 1 on first delivery to this handler invocation chain; counts local retries. */
  attempt: number;
}

export type MessageHandler = (message: IncomingMessage) => Promise<void>;
/** Handles several messages of one partition at once (in order); see `SubscriptionSpec.batchHandler`. */
export type BatchHandler = (messages: IncomingMessage[]) => Promise<void>;

export interface SubscriptionSpec {
  /** Explicit consumer group id (never derived). */
  groupId: string;
  topics: readonly string[];
  /** Exactly one of `handler` and `batchHandler`. */
  handler?: MessageHandler;
  /**
   * Batch mode: up to `maxBatchSize` consecutive messages of a partition per call. When a batch fails it is
   * retried one message at a time, so a poison message reaches the DLQ alone and the others still succeed.
   */
  batchHandler?: BatchHandler;
  maxBatchSize?: number;
  /** Start from the earliest retained message when the group has no committed offset (default true). */
  fromBeginning?: boolean;
  /** Attempts per message before it goes to the group's DLQ (default 3). Poison messages go at once. */
  maxAttempts?: number;
  retryBackoffMs?: number;
  /** Commit after this many processed messages per partition (and on a timer); default 1. */
  commitEvery?: number;
}

export interface StopOptions {
  /**
   * Commit what was processed before stopping (default true, a graceful stop). `false` behaves like a
   * crash: everything after the last commit is delivered again to the next subscriber of the group.
   */
  commitPending?: boolean;
}

export interface Subscription {
  readonly groupId: string;
  stop(opts?: StopOptions): Promise<void>;
}

/**
 * The one messaging port. Semantics every adapter keeps (and the shared contract tests check):
 * at-least-once delivery, per-key order, explicit consumer groups with committed offsets,
 * a dead-letter topic per group for messages that fail `maxAttempts` times or are poison.
 */
export interface MessageBus {
  readonly kind: 'kafka' | 'in-process';
  publish(messages: readonly OutgoingMessage[]): Promise<void>;
  subscribe(spec: SubscriptionSpec): Promise<Subscription>;
  ensureTopics(topics: readonly string[]): Promise<void>;
  close(): Promise<void>;
}

/** Thrown by a handler for a message that can never succeed (unparseable, invalid): it goes to the DLQ at once. */
export class PoisonMessageError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PoisonMessageError';
  }
}

/** Headers a DLQ message carries besides the original ones. */
export const DlqHeaders = {
  Reason: 'x-dlq-reason',
  OriginalTopic: 'x-dlq-original-topic',
  OriginalPartition: 'x-dlq-original-partition',
  OriginalOffset: 'x-dlq-original-offset',
  ConsumerGroup: 'x-dlq-consumer-group',
  Attempts: 'x-dlq-attempts',
} as const;
