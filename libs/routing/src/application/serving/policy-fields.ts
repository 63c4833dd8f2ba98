import { DomainError, isDomainError } from '@fusion/shared/kernel';

/** Domain policy field -> the request field a client sets (proto / OpenAI extension spelling). */
const POLICY_FIELDS: Readonly<Record<string, string>> = {
  scenario: 'scenario',
  alpha: 'alpha',
  beta: 'beta',
  allowed: 'allowed_models',
  excluded: 'excluded_models',
  maxCostUsd: 'max_cost_usd',
  latencyBudgetMs: 'latency_budget_ms',
};

/** `allowed[2]` -> `<prefix>allowed_models[2]`; other names keep their spelling. */
export function policyFieldName(field: string, prefix: string): string {
  const m = /^([A-Za-z]+)(.*)$/.exec(field);
  const base = m?.[1] ?? field;
  const rest = m?.[2] ?? '';
  const mapped = POLICY_FIELDS[base];
  return mapped === undefined ? field : `${prefix}${mapped}${rest}`;
}

/** A policy validation error with the client's field names (`policy.max_cost_usd`, ...); other errors as they are. */
export function renamePolicyFields(err: unknown, prefix: string): unknown {
  if (!isDomainError(err) || err.violations.length === 0) return err;
  const violations = err.violations.map((v) => ({ ...v, field: policyFieldName(v.field, prefix) }));
  return new DomainError(err.code, violations.map((v) => `${v.field}: ${v.reason}`).join('; '), {
    violations,
    details: err.details,
  });
}

/** Runs `fn`, rethrowing policy validation errors with the client's field names. */
export function withPolicyFieldNames<T>(prefix: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    throw renamePolicyFields(err, prefix);
  }
}
