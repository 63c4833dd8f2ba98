import type { EntityManager } from 'typeorm';
import type { EventEnvelope } from '@fusion/contracts';
import { applyScoredResponseEvents, SCORED_RESPONSE_EVENTS } from '@fusion/shared/event-store';
import { stripThinkPhrase } from '../../domain/think-phrase';

/** Event types the projection reads. */
export const THOUGHT_PROJECTION_EVENTS = SCORED_RESPONSE_EVENTS;

/** `thought_responses`: responses with their latest scores; think-mode queries stored without the think phrase. */
export function applyThoughtResponseEvents(
  m: EntityManager,
  events: readonly EventEnvelope[],
): Promise<void> {
  return applyScoredResponseEvents(m, events, {
    table: 'thought_responses',
    queryOf: (r) => (r.promptMode === 'think' ? stripThinkPhrase(r.query) : r.query),
  });
}
