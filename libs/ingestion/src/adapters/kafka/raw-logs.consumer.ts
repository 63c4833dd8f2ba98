import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { ConsumerGroups, Topics } from '@fusion/contracts';
import { PoisonMessageError, type MessageBus, type Subscription } from '@fusion/shared/messaging';
import { MESSAGE_BUS } from '@fusion/shared/runtime';
import { counter, rootLogger } from '@fusion/shared/telemetry';
import type { IngestLogsHandler } from '../../application/ingest-logs/ingest-logs.handler';
import { INGEST_LOGS_HANDLER, INGESTION_OPTIONS, type IngestionOptions } from '../ingestion.tokens';

const ingested = counter('fusion_ingest_records_total', 'Log records ingested, by outcome', [
  'transport',
  'status',
]);

/**
 * Consumes canonical records (one JSON object per message, or a JSON array) that producers publish to
 * `fusion.logs.raw.v1`. Invalid records go to the group's DLQ with the violations as the reason; storage is
 * idempotent on record id, so redelivery never duplicates.
 */
@Injectable()
export class RawLogsConsumer implements OnApplicationBootstrap, OnModuleDestroy {
  private subscription: Subscription | null = null;

  constructor(
    @Inject(MESSAGE_BUS) private readonly bus: MessageBus,
    @Inject(INGEST_LOGS_HANDLER) private readonly ingest: IngestLogsHandler,
    @Inject(INGESTION_OPTIONS) private readonly options: IngestionOptions,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.options.consumeRawTopic) return;
    this.subscription = await this.bus.subscribe({
      groupId: ConsumerGroups.IngestionRawLogs,
      topics: [Topics.LogsRaw],
      commitEvery: 50,
      handler: async (message) => {
        let parsed: unknown;
        try {
          parsed = JSON.parse(message.value.toString('utf8'));
        } catch (err) {
          throw new PoisonMessageError(`offset ${message.offset}: not JSON: ${(err as Error).message}`);
        }
        const records = Array.isArray(parsed) ? parsed : [parsed];
        const result = await this.ingest.execute(
          { records, transport: 'kafka' },
          {
            correlationId:
              message.headers['correlation-id'] ??
              `kafka:${message.topic}:${message.partition}:${message.offset}`,
            ...(message.headers['traceparent'] ? { traceparent: message.headers['traceparent'] } : {}),
          },
        );
        ingested.inc({ transport: 'kafka', status: 'accepted' }, result.accepted);
        ingested.inc({ transport: 'kafka', status: 'duplicate' }, result.duplicates);
        ingested.inc({ transport: 'kafka', status: 'rejected' }, result.rejected);
        const bad = result.outcomes.filter((o) => o.status === 'rejected');
        if (bad.length > 0) {
          // The valid records of the message are stored; the message goes to the DLQ for the invalid ones.
          const why = bad
            .slice(0, 5)
            .map(
              (o) =>
                `record ${o.index}${o.recordId ? ` (${o.recordId})` : ''}: ${o.violations.map((v) => `${v.field}: ${v.reason}`).join('; ')}`,
            )
            .join(' | ');
          throw new PoisonMessageError(`${bad.length} of ${records.length} records rejected: ${why}`);
        }
      },
    });
    rootLogger().info({ topic: Topics.LogsRaw }, 'consuming raw log records');
  }

  async onModuleDestroy(): Promise<void> {
    await this.subscription?.stop();
  }
}
