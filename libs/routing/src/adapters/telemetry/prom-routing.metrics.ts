import { counter, histogram } from '@fusion/shared/telemetry';
import type { RoutingMetrics } from '../../application/ports/routing-metrics.port';

const decisions = counter(
  'fusion_routing_decisions_total',
  'Routing decisions, by router and chosen candidate',
  ['router', 'candidate', 'fallback'],
);
const decisionSeconds = histogram(
  'fusion_routing_decision_seconds',
  'Time to decide a route (validate, embed, predict, rank)',
  ['router'],
  [0.0001, 0.00025, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
);
const shadow = counter(
  'fusion_routing_shadow_decisions_total',
  'Shadow (challenger) decisions, by agreement with the champion',
  ['agreed'],
);
const attempts = counter(
  'fusion_routing_backend_attempts_total',
  'Backend calls made while executing routes',
  ['backend', 'outcome'],
);
const attemptSeconds = histogram('fusion_routing_backend_attempt_seconds', 'Backend call latency', [
  'backend',
  'outcome',
]);
const executions = counter('fusion_routing_executions_total', 'Executed routes, by outcome', ['outcome']);
const fallbacks = counter(
  'fusion_routing_fallbacks_total',
  'Fallbacks down the ranked list after a backend failure',
);
const cost = counter('fusion_routing_cost_usd_total', 'Cost of executed routes (USD), by serving candidate', [
  'candidate',
]);
const trainings = counter('fusion_routing_trainings_total', 'Router trainings, by trigger and outcome', [
  'trigger',
  'outcome',
]);
const trainingSeconds = histogram(
  'fusion_routing_training_seconds',
  'Router training time',
  ['trigger'],
  [0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 900],
);

/** The routing metrics on the process's Prometheus registry (`/metrics`). */
export const promRoutingMetrics: RoutingMetrics = {
  decided: (i) => {
    decisions.inc({ router: i.routerId, candidate: i.candidate, fallback: String(i.fallbackToBestSingle) });
    decisionSeconds.observe({ router: i.routerId }, i.seconds);
  },
  shadow: (i) => shadow.inc({ agreed: String(i.agreed) }),
  attempt: (i) => {
    const outcome = i.ok ? 'ok' : 'error';
    attempts.inc({ backend: i.backend, outcome });
    attemptSeconds.observe({ backend: i.backend, outcome }, i.seconds);
  },
  executed: (i) => {
    executions.inc({ outcome: i.ok ? 'served' : 'unavailable' });
    if (i.fallbacks > 0) fallbacks.inc(i.fallbacks);
    if (i.candidate) cost.inc({ candidate: i.candidate }, i.costUsd);
  },
  trained: (i) => {
    trainings.inc({ trigger: i.trigger, outcome: i.outcome });
    trainingSeconds.observe({ trigger: i.trigger }, i.seconds);
  },
};
