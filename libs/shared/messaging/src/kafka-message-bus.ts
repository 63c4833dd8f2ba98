import {
  context,
  isSpanContextValid,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';
import { Kafka, logLevel, type Consumer, type Producer, type LogEntry } from 'kafkajs';
import { deliverBatchWithPolicy } from './delivery';
import type {
  IncomingMessage,
  MessageBus,
  OutgoingMessage,
  StopOptions,
  Subscription,
  SubscriptionSpec,
} from './message-bus.port';

export interface KafkaBusOptions {
  brokers: string[];
  clientId: string;
  /**
   * Prefix of every topic and consumer group on the cluster (`<namespace>.<topic>`): several deployments (or test
   * runs) share one Kafka without seeing each other's messages or splitting each other's partitions.
   */
  namespace?: string;
  partitions?: number;
  /** Where kafkajs' own log lines go (warnings and errors). */
  log?: (level: 'error' | 'warn' | 'info', message: string, extra: Record<string, unknown>) => void;
  connectionTimeoutMs?: number;
  /** Largest produce request (sum of message sizes); default 512 KiB, under Kafka's 1 MiB default limit. */
  maxRequestBytes?: number;
}

const tracer = trace.getTracer('fusion-messaging');

/** The messaging port on Apache Kafka (kafkajs). Manual commits give the same semantics as the in-process bus. */
export class KafkaMessageBus implements MessageBus {
  readonly kind = 'kafka' as const;
  private readonly kafka: Kafka;
  private producer: Producer | null = null;
  private producerReady: Promise<Producer> | null = null;
  private readonly subscriptions = new Set<KafkaSubscription>();
  private readonly knownTopics = new Set<string>();

  private readonly prefix: string;

  constructor(private readonly opts: KafkaBusOptions) {
    const log = opts.log;
    this.prefix = opts.namespace ? `${opts.namespace}.` : '';
    this.kafka = new Kafka({
      clientId: opts.clientId,
      brokers: opts.brokers,
      connectionTimeout: opts.connectionTimeoutMs ?? 5000,
      retry: { retries: 8, initialRetryTime: 200 },
      logLevel: logLevel.WARN,
      logCreator: () => (entry: LogEntry) => {
        if (!log) return;
        const { message, ...extra } = entry.log;
        const level =
          entry.level <= logLevel.ERROR ? 'error' : entry.level === logLevel.WARN ? 'warn' : 'info';
        log(level, `kafkajs ${entry.namespace}: ${message}`, extra);
      },
    });
  }

  private getProducer(): Promise<Producer> {
    this.producerReady ??= (async () => {
      const p = this.kafka.producer({
        idempotent: true,
        maxInFlightRequests: 1,
        allowAutoTopicCreation: true,
      });
      await p.connect();
      this.producer = p;
      return p;
    })();
    return this.producerReady;
  }

  private physical(topic: string): string {
    return this.prefix + topic;
  }

  async ensureTopics(logical: readonly string[]): Promise<void> {
    const topics = logical.map((t) => this.physical(t));
    const missing = topics.filter((t) => !this.knownTopics.has(t));
    if (missing.length === 0) return;
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      // Services starting together create the same topics at once: a create that races another one (already
      // exists, or not yet hosted while its leader is elected) is retried until the topics are there.
      for (let attempt = 1; ; attempt++) {
        try {
          const existing = new Set(await admin.listTopics());
          const create = missing.filter((t) => !existing.has(t));
          if (create.length > 0) {
            await admin.createTopics({
              waitForLeaders: true,
              topics: create.map((topic) => ({
                topic,
                numPartitions: this.opts.partitions ?? 3,
                replicationFactor: 1,
              })),
            });
          }
          await admin.fetchTopicMetadata({ topics: missing });
          break;
        } catch (err) {
          if (attempt >= 10) throw err;
          await new Promise((r) => setTimeout(r, 200 * attempt));
        }
      }
      for (const t of missing) this.knownTopics.add(t);
    } finally {
      await admin.disconnect();
    }
  }

  async publish(messages: readonly OutgoingMessage[]): Promise<void> {
    if (messages.length === 0) return;
    const producer = await this.getProducer();
    const byTopic = new Map<
      string,
      { key: string; value: string | Buffer; headers: Record<string, string> }[]
    >();
    for (const m of messages) {
      const headers = { ...(m.headers ?? {}) };
      if (!headers['traceparent']) propagation.inject(context.active(), headers);
      const topic = this.physical(m.topic);
      const list = byTopic.get(topic) ?? [];
      list.push({ key: m.key, value: m.value, headers });
      byTopic.set(topic, list);
    }
    // Kafka refuses produce requests over message.max.bytes (1 MiB by default): send in chunks well under it.
    const maxBytes = this.opts.maxRequestBytes ?? 512 * 1024;
    let chunk: {
      topic: string;
      messages: { key: string; value: string | Buffer; headers: Record<string, string> }[];
    }[] = [];
    let bytes = 0;
    const flush = async (): Promise<void> => {
      if (chunk.length === 0) return;
      await producer.sendBatch({ acks: -1, topicMessages: chunk });
      chunk = [];
      bytes = 0;
    };
    for (const [topic, msgs] of byTopic) {
      for (const m of msgs) {
        const size = Buffer.byteLength(m.value) + m.key.length + 64;
        if (bytes + size > maxBytes && bytes > 0) await flush();
        const last = chunk[chunk.length - 1];
        if (last && last.topic === topic) last.messages.push(m);
        else chunk.push({ topic, messages: [m] });
        bytes += size;
      }
    }
    await flush();
  }

  async subscribe(spec: SubscriptionSpec): Promise<Subscription> {
    await this.ensureTopics(spec.topics);
    const consumer = this.kafka.consumer({
      groupId: this.prefix + spec.groupId,
      allowAutoTopicCreation: true,
      sessionTimeout: 10_000,
      heartbeatInterval: 1_000,
      rebalanceTimeout: 10_000,
      maxWaitTimeInMs: 100,
    });
    const sub = new KafkaSubscription(
      consumer,
      spec,
      this.prefix,
      (m) => this.publish([m]),
      () => this.subscriptions.delete(sub),
    );
    this.subscriptions.add(sub);
    await sub.start();
    return sub;
  }

  async close(): Promise<void> {
    await Promise.all([...this.subscriptions].map((s) => s.stop()));
    if (this.producer) await this.producer.disconnect();
    this.producer = null;
    this.producerReady = null;
  }
}

class KafkaSubscription implements Subscription {
  private stopping = false;
  private stopped = false;
  /** "topic/partition" -> next offset to commit, and how many are processed since the last commit. */
  private readonly pending = new Map<
    string,
    { topic: string; partition: number; offset: string; count: number }
  >();

  constructor(
    private readonly consumer: Consumer,
    private readonly spec: SubscriptionSpec,
    private readonly prefix: string,
    private readonly publishDlq: (m: OutgoingMessage) => Promise<void>,
    private readonly onStopped: () => void,
  ) {}

  get groupId(): string {
    return this.spec.groupId;
  }

  async start(): Promise<void> {
    await this.consumer.connect();
    for (const topic of this.spec.topics) {
      await this.consumer.subscribe({
        topic: this.prefix + topic,
        fromBeginning: this.spec.fromBeginning ?? true,
      });
    }
    const joined = new Promise<void>((resolve) => {
      const off = this.consumer.on(this.consumer.events.GROUP_JOIN, () => {
        off();
        resolve();
      });
    });
    const commitEvery = this.spec.commitEvery ?? 1;
    const maxBatch = this.spec.batchHandler ? (this.spec.maxBatchSize ?? 500) : 1;
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: async ({ batch, heartbeat, isRunning, isStale, resolveOffset }) => {
        const { partition } = batch;
        // Handlers see logical topic names; offsets are committed on the physical (namespaced) topic.
        const physicalTopic = batch.topic;
        const topic = physicalTopic.startsWith(this.prefix)
          ? physicalTopic.slice(this.prefix.length)
          : physicalTopic;
        for (let i = 0; i < batch.messages.length; i += maxBatch) {
          // Not processed and never committed when stopping: the next subscriber gets them.
          if (this.stopping || !isRunning() || isStale()) return;
          const chunk = batch.messages.slice(i, i + maxBatch).map((message) => {
            const headers: Record<string, string> = {};
            for (const [k, v] of Object.entries(message.headers ?? {})) {
              if (v !== undefined) headers[k] = Array.isArray(v) ? String(v[0]) : String(v);
            }
            return {
              topic,
              partition,
              offset: message.offset,
              key: message.key ? message.key.toString() : null,
              value: message.value ?? Buffer.alloc(0),
              headers,
              timestamp: message.timestamp,
            } satisfies Omit<IncomingMessage, 'attempt'>;
          });
          // One span per batch: parented to the first message's trace, linked to every other trace in the batch
          // (OpenTelemetry's convention for batch processing), so no producer's trace loses the hop.
          const contexts = chunk.map((m) =>
            trace.getSpanContext(propagation.extract(ROOT_CONTEXT, m.headers)),
          );
          const parentSpan = contexts.find((c) => c !== undefined && isSpanContextValid(c));
          const parent = parentSpan ? trace.setSpanContext(ROOT_CONTEXT, parentSpan) : ROOT_CONTEXT;
          const seen = new Set(parentSpan ? [parentSpan.traceId] : []);
          const links = contexts
            .filter(
              (c): c is NonNullable<typeof c> =>
                c !== undefined && isSpanContextValid(c) && !seen.has(c.traceId) && !!seen.add(c.traceId),
            )
            .map((c) => ({ context: c }));
          await tracer.startActiveSpan(
            `${topic} process`,
            {
              kind: SpanKind.CONSUMER,
              links,
              attributes: {
                'messaging.system': 'kafka',
                'messaging.destination.name': topic,
                'messaging.consumer.group.name': this.spec.groupId,
                'messaging.batch.message_count': chunk.length,
              },
            },
            parent,
            async (span) => {
              try {
                await deliverBatchWithPolicy(this.spec, chunk, this.publishDlq, () => this.stopping);
              } catch (err) {
                span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error).message });
                throw err;
              } finally {
                span.end();
              }
            },
          );
          const last = chunk[chunk.length - 1] as Omit<IncomingMessage, 'attempt'>;
          resolveOffset(last.offset); // fetch position only: offsets are committed explicitly below
          const key = `${physicalTopic}/${partition}`;
          const next = (BigInt(last.offset) + 1n).toString();
          const entry = this.pending.get(key) ?? { topic: physicalTopic, partition, offset: next, count: 0 };
          entry.offset = next;
          entry.count += chunk.length;
          this.pending.set(key, entry);
          if (entry.count >= commitEvery) {
            await this.consumer.commitOffsets([{ topic: physicalTopic, partition, offset: next }]);
            entry.count = 0;
          }
          await heartbeat();
        }
      },
    });
    await Promise.race([joined, new Promise((r) => setTimeout(r, 30_000))]);
  }

  async stop(opts: StopOptions = {}): Promise<void> {
    if (this.stopped) return;
    this.stopping = true;
    this.stopped = true;
    try {
      if (opts.commitPending ?? true) {
        const offsets = [...this.pending.values()].filter((e) => e.count > 0);
        if (offsets.length > 0) {
          await this.consumer.commitOffsets(
            offsets.map(({ topic, partition, offset }) => ({ topic, partition, offset })),
          );
        }
      }
    } finally {
      await this.consumer.disconnect();
      this.onStopped();
    }
  }
}
