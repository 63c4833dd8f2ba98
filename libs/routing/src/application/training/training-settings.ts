import { DomainError } from '@fusion/shared/kernel';
import { POLICY_SCENARIOS, type ScenarioName } from '../../domain/policy';
import { ROUTER_KINDS, type RouterKind } from '../../domain/router';
import { isRouterKind } from '../../domain/router-registry';
import type { NamedScenario } from './router-training.job';

/** How routers are trained, evaluated and gated (the app's config). */
export interface TrainingSettings {
  /** Kinds trained when a request names none. */
  kinds: RouterKind[];
  /** Scenario whose held-out reward picks the best kind and decides the gate. */
  gateScenario: ScenarioName;
  /** The challenger must beat the champion by more than this reward. */
  minImprovement: number;
  seed: number;
  /** Share of each task's unsplit queries held out. */
  heldOutFraction: number;
}

const ALIASES: Readonly<Record<string, RouterKind>> = { mf: 'matrix_factorisation' };

/** Parses kind names (`mf` is matrix_factorisation); an unknown one is INVALID_ARGUMENT naming `field`. */
export function parseRouterKinds(names: readonly string[], field = 'kind'): RouterKind[] {
  const out: RouterKind[] = [];
  names.forEach((raw) => {
    const name = raw.trim().toLowerCase();
    if (name === '') return;
    const kind = ALIASES[name] ?? name;
    if (!isRouterKind(kind)) {
      throw DomainError.invalidArgument(
        field,
        `unknown router kind '${raw}' (known: ${ROUTER_KINDS.join(', ')}, mf)`,
      );
    }
    if (!out.includes(kind)) out.push(kind);
  });
  return out;
}

export function parseScenarioName(name: string, field = 'gate_scenario'): ScenarioName {
  if (!Object.hasOwn(POLICY_SCENARIOS, name)) {
    throw DomainError.invalidArgument(
      field,
      `unknown scenario '${name}' (known: ${Object.keys(POLICY_SCENARIOS).join(', ')})`,
    );
  }
  return name as ScenarioName;
}

/** The paper's three scenarios, every one reported per version. */
export const EVALUATED_SCENARIOS: readonly NamedScenario[] = (
  Object.keys(POLICY_SCENARIOS) as ScenarioName[]
).map((name) => ({ name, ...POLICY_SCENARIOS[name] }));

export function rewardOf(
  metrics: readonly { scenario: string; reward: number }[] | null | undefined,
  scenario: string,
): number | null {
  return metrics?.find((m) => m.scenario === scenario)?.reward ?? null;
}
