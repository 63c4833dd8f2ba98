import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { ConsumerGroups, Topics } from '@fusion/contracts';
import type { MessageBus, Subscription } from '@fusion/shared/messaging';
import type { RoutingLogger } from '../../application/ports/routing-metrics.port';
import type { ChampionCache } from '../../application/serving/champion-cache';

/** This replica's own consumer group: every replica must see every promotion. */
export function championRefreshGroupId(replicaId?: string): string {
  const id = replicaId ?? `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
  return `${ConsumerGroups.RoutingRegistry}-${id.replace(/[^A-Za-z0-9._-]/g, '_')}`;
}

/**
 * Reloads a tenant's champion when its registry changes anywhere: `RouterPromoted` and challenger events, consumed
 * by a per-replica group from the latest offset. The handler never throws (a failed reload is logged and the
 * periodic poll repairs it), so the group needs no DLQ.
 */
export function consumeChampionChanges(
  bus: MessageBus,
  cache: ChampionCache,
  logger: RoutingLogger,
  groupId: string,
): Promise<Subscription> {
  return bus.subscribe({
    groupId,
    topics: [Topics.RoutersPromoted, Topics.RoutersChallengerAssigned, Topics.RoutersChallengerCleared],
    fromBeginning: false,
    handler: async (message) => {
      try {
        const env = JSON.parse(message.value.toString('utf8')) as { tenant?: unknown };
        if (typeof env.tenant === 'string' && env.tenant !== '') await cache.refresh(env.tenant);
      } catch (err) {
        logger.warn(
          { err: (err as Error).message, topic: message.topic },
          'champion refresh failed; the poll will retry',
        );
      }
    },
  });
}
