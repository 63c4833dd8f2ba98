import { deliverBatchWithPolicy, partitionOf } from './delivery';
import type {
  IncomingMessage,
  MessageBus,
  OutgoingMessage,
  StopOptions,
  Subscription,
  SubscriptionSpec,
} from './message-bus.port';

interface StoredMessage {
  key: string;
  value: Buffer;
  headers: Record<string, string>;
  timestamp: string;
}

class TopicLog {
  readonly partitions: StoredMessage[][];
  /** Offset of partitions[p][0] (grows when old messages are trimmed). */
  readonly baseOffsets: number[];
  private waiters: (() => void)[] = [];

  constructor(
    readonly name: string,
    partitionCount: number,
  ) {
    this.partitions = Array.from({ length: partitionCount }, () => []);
    this.baseOffsets = Array.from({ length: partitionCount }, () => 0);
  }

  endOffset(p: number): number {
    return (this.baseOffsets[p] ?? 0) + (this.partitions[p]?.length ?? 0);
  }

  at(p: number, offset: number): StoredMessage | undefined {
    return this.partitions[p]?.[offset - (this.baseOffsets[p] ?? 0)];
  }

  append(p: number, m: StoredMessage): number {
    const list = this.partitions[p] as StoredMessage[];
    list.push(m);
    return this.endOffset(p) - 1;
  }

  waitForMore(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  trimBelow(p: number, offset: number): void {
    const base = this.baseOffsets[p] ?? 0;
    const n = offset - base;
    if (n <= 0) return;
    (this.partitions[p] as StoredMessage[]).splice(0, n);
    this.baseOffsets[p] = offset;
  }
}

export interface InProcessBusOptions {
  partitions?: number;
  /** Trim a partition's consumed prefix once it holds more than this many messages. */
  retainAtMost?: number;
  /** Largest message accepted, like Kafka's message.max.bytes (default 1 MiB). */
  maxMessageBytes?: number;
}

/**
 * Kafka's delivery semantics in one process: partitioned topic logs, consumer groups with committed
 * offsets, at-least-once redelivery after a crash, per-key order, a DLQ per group.
 */
export class InProcessMessageBus implements MessageBus {
  readonly kind = 'in-process' as const;
  private readonly topics = new Map<string, TopicLog>();
  /** group -> "topic/partition" -> committed offset (next to read). */
  private readonly committed = new Map<string, Map<string, number>>();
  private readonly active = new Map<string, InProcessSubscription>();
  private readonly partitionCount: number;
  private readonly retainAtMost: number;
  private readonly maxMessageBytes: number;
  private closed = false;

  constructor(opts: InProcessBusOptions = {}) {
    this.partitionCount = opts.partitions ?? 3;
    this.retainAtMost = opts.retainAtMost ?? 200_000;
    this.maxMessageBytes = opts.maxMessageBytes ?? 1024 * 1024;
  }

  topic(name: string): TopicLog {
    let t = this.topics.get(name);
    if (!t) {
      t = new TopicLog(name, this.partitionCount);
      this.topics.set(name, t);
    }
    return t;
  }

  async ensureTopics(topics: readonly string[]): Promise<void> {
    for (const t of topics) this.topic(t);
  }

  async publish(messages: readonly OutgoingMessage[]): Promise<void> {
    if (this.closed) throw new Error('in-process bus is closed');
    for (const m of messages) {
      const size = typeof m.value === 'string' ? Buffer.byteLength(m.value) : m.value.length;
      if (size > this.maxMessageBytes) {
        throw new Error(
          `message of ${size} bytes to ${m.topic} is larger than the max message size (${this.maxMessageBytes} bytes)`,
        );
      }
    }
    const touched = new Set<TopicLog>();
    const timestamp = String(Date.now());
    for (const m of messages) {
      const t = this.topic(m.topic);
      const value = typeof m.value === 'string' ? Buffer.from(m.value) : m.value;
      t.append(partitionOf(m.key, this.partitionCount), {
        key: m.key,
        value,
        headers: { ...(m.headers ?? {}) },
        timestamp,
      });
      touched.add(t);
    }
    for (const t of touched) t.wake();
  }

  async subscribe(spec: SubscriptionSpec): Promise<Subscription> {
    if (this.closed) throw new Error('in-process bus is closed');
    if (this.active.has(spec.groupId)) {
      throw new Error(`consumer group ${spec.groupId} already has an active subscriber in this process`);
    }
    const sub = new InProcessSubscription(this, spec);
    this.active.set(spec.groupId, sub);
    sub.start();
    return sub;
  }

  committedOffset(groupId: string, topic: string, partition: number, fromBeginning: boolean): number {
    const g = this.committed.get(groupId);
    const v = g?.get(`${topic}/${partition}`);
    if (v !== undefined) return v;
    const t = this.topic(topic);
    return fromBeginning ? (t.baseOffsets[partition] ?? 0) : t.endOffset(partition);
  }

  commit(groupId: string, topic: string, partition: number, offset: number): void {
    let g = this.committed.get(groupId);
    if (!g) {
      g = new Map();
      this.committed.set(groupId, g);
    }
    g.set(`${topic}/${partition}`, offset);
    this.maybeTrim(topic, partition);
  }

  released(groupId: string): void {
    this.active.delete(groupId);
  }

  partitions(): number {
    return this.partitionCount;
  }

  private maybeTrim(topic: string, partition: number): void {
    const t = this.topic(topic);
    if ((t.partitions[partition]?.length ?? 0) <= this.retainAtMost) return;
    let min = Infinity;
    for (const g of this.committed.values()) {
      const v = g.get(`${topic}/${partition}`);
      if (v !== undefined) min = Math.min(min, v);
    }
    if (Number.isFinite(min)) t.trimBelow(partition, min);
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.active.values()].map((s) => s.stop()));
  }
}

class InProcessSubscription implements Subscription {
  private stopping = false;
  private loops: Promise<void>[] = [];
  /** "topic/partition" -> next offset processed but maybe not committed. */
  private readonly positions = new Map<string, number>();

  constructor(
    private readonly bus: InProcessMessageBus,
    private readonly spec: SubscriptionSpec,
  ) {}

  get groupId(): string {
    return this.spec.groupId;
  }

  start(): void {
    for (const topic of this.spec.topics) {
      for (let p = 0; p < this.bus.partitions(); p++) this.loops.push(this.run(topic, p));
    }
  }

  private async run(topicName: string, partition: number): Promise<void> {
    const topic = this.bus.topic(topicName);
    const key = `${topicName}/${partition}`;
    let offset = this.bus.committedOffset(
      this.spec.groupId,
      topicName,
      partition,
      this.spec.fromBeginning ?? true,
    );
    let sinceCommit = 0;
    const commitEvery = this.spec.commitEvery ?? 1;
    const maxBatch = this.spec.batchHandler ? (this.spec.maxBatchSize ?? 500) : 1;
    while (!this.stopping) {
      const batch: Omit<IncomingMessage, 'attempt'>[] = [];
      for (let o = offset; batch.length < maxBatch; o++) {
        const stored = topic.at(partition, o);
        if (!stored) break;
        batch.push({
          topic: topicName,
          partition,
          offset: String(o),
          key: stored.key,
          value: stored.value,
          headers: stored.headers,
          timestamp: stored.timestamp,
        });
      }
      if (batch.length === 0) {
        await Promise.race([topic.waitForMore(), this.stopSignal]);
        continue;
      }
      try {
        await deliverBatchWithPolicy(
          this.spec,
          batch,
          (m) => this.bus.publish([m]),
          () => this.stopping,
        );
      } catch {
        break; // stopping mid-retry: leave the messages uncommitted
      }
      offset += batch.length;
      this.positions.set(key, offset);
      sinceCommit += batch.length;
      if (sinceCommit >= commitEvery) {
        this.bus.commit(this.spec.groupId, topicName, partition, offset);
        sinceCommit = 0;
      }
    }
  }

  private resolveStop: () => void = () => undefined;
  private readonly stopSignal = new Promise<void>((r) => (this.resolveStop = r));

  async stop(opts: StopOptions = {}): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    this.resolveStop();
    await Promise.all(this.loops);
    if (opts.commitPending ?? true) {
      for (const [key, offset] of this.positions) {
        const slash = key.lastIndexOf('/');
        this.bus.commit(this.spec.groupId, key.slice(0, slash), Number(key.slice(slash + 1)), offset);
      }
    }
    this.bus.released(this.spec.groupId);
  }
}
