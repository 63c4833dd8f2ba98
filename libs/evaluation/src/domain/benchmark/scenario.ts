import { DomainError } from '@fusion/shared/kernel';
import { SCENARIOS, type Scenario } from './strategy';

/** The named scenarios of the paper (§3.1). */
export type ScenarioName = keyof typeof SCENARIOS;

/** A scenario as a caller names it: a paper name, `custom:a,b`, or an explicit custom weighting. */
export type ScenarioSpec = ScenarioName | string | { name?: string; alpha: number; beta: number };

/** What the harness evaluates when the caller names no scenario (plus `judge` when the logs hold judge scores). */
export const DEFAULT_SCENARIOS: readonly ScenarioName[] = ['performance_first', 'balance', 'cost_first'];

// Scenario names become JSON keys, HTML ids and CLI words, so they stay simple.
const NAME_PATTERN = /^[A-Za-z0-9_.-]{1,64}$/;

function numberWord(n: number): string {
  return String(n).replace('-', 'm').replace('.', 'p');
}

/** A custom scenario: reward = alpha * normPerf - beta * normCost. Default name `custom_a<alpha>_b<beta>` (dots as `p`). */
export function customScenario(alpha: number, beta: number, name?: string, field = 'scenario'): Scenario {
  const violations: { field: string; reason: string }[] = [];
  if (!Number.isFinite(alpha) || alpha < 0) {
    violations.push({
      field: `${field}.alpha`,
      reason: `must be a finite number >= 0, got ${String(alpha)}`,
    });
  }
  if (!Number.isFinite(beta) || beta < 0) {
    violations.push({ field: `${field}.beta`, reason: `must be a finite number >= 0, got ${String(beta)}` });
  }
  if (violations.length === 0 && alpha + beta === 0) {
    violations.push({ field, reason: 'alpha and beta cannot both be 0 (every candidate would score 0)' });
  }
  const resolved = name ?? `custom_a${numberWord(alpha)}_b${numberWord(beta)}`;
  if (!NAME_PATTERN.test(resolved)) {
    violations.push({
      field: `${field}.name`,
      reason: `must match ${NAME_PATTERN.source}, got "${resolved}"`,
    });
  }
  if (violations.length > 0) throw DomainError.invalidArguments(violations);
  return { name: resolved, alpha, beta, objective: 'performance' };
}

/**
 * Parses one scenario: `performance_first | balance | cost_first | judge`, `custom:a,b` (also `custom(a,b)`
 * or bare `a,b`), or `{ alpha, beta, name? }`.
 */
export function parseScenario(spec: ScenarioSpec, field = 'scenario'): Scenario {
  if (typeof spec === 'object' && spec !== null) {
    return customScenario(spec.alpha, spec.beta, spec.name, field);
  }
  if (typeof spec !== 'string') {
    throw DomainError.invalidArgument(
      field,
      `must be a scenario name or { alpha, beta }, got ${typeof spec}`,
    );
  }
  const text = spec.trim();
  if (text in SCENARIOS) return { ...SCENARIOS[text as ScenarioName] };
  const match = /^(?:custom\s*[:(]\s*)?([-+0-9.eE]+)\s*,\s*([-+0-9.eE]+)\s*\)?$/.exec(text);
  if (match?.[1] !== undefined && match[2] !== undefined) {
    return customScenario(Number(match[1]), Number(match[2]), undefined, field);
  }
  throw DomainError.invalidArgument(
    field,
    `unknown scenario "${spec}": use one of ${Object.keys(SCENARIOS).join(', ')}, or custom:<alpha>,<beta> (e.g. custom:0.7,0.3)`,
  );
}

/** Parses a list of scenarios; names must be unique. */
export function resolveScenarios(specs: readonly ScenarioSpec[], field = 'scenarios'): Scenario[] {
  if (specs.length === 0) throw DomainError.invalidArgument(field, 'name at least one scenario');
  const scenarios = specs.map((s, i) => parseScenario(s, `${field}[${i}]`));
  const seen = new Set<string>();
  scenarios.forEach((s, i) => {
    if (seen.has(s.name))
      throw DomainError.invalidArgument(`${field}[${i}]`, `scenario "${s.name}" is listed twice`);
    seen.add(s.name);
  });
  return scenarios;
}
