import type { EntityManager } from 'typeorm';
import type { EventEnvelope } from '@fusion/contracts';
import { applyScoredResponseEvents, SCORED_RESPONSE_EVENTS } from '@fusion/shared/event-store';

/** Event types the projection reads. */
export const DISTILLATION_PROJECTION_EVENTS = SCORED_RESPONSE_EVENTS;

/** `distillation_responses`: responses with their latest scores, plus what SFT records need (gt, metric, length). */
export function applyDistillationResponseEvents(
  m: EntityManager,
  events: readonly EventEnvelope[],
): Promise<void> {
  return applyScoredResponseEvents(m, events, {
    table: 'distillation_responses',
    extraColumns: [
      { column: 'ground_truth', value: (r) => r.groundTruth },
      { column: 'metric', value: (r) => r.metric },
      { column: 'output_tokens', value: (r) => r.outputTokens },
    ],
  });
}
