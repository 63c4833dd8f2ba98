import { violation } from '../../domain/rejection-reason';
import type { AcceptedItem, ImportContext, ImportOrigin, RejectedItem } from './log-importer.port';

/**
 * Validates a canonical-shaped object built from a source row. `sourceFields` renames canonical fields in
 * violations to the source's own column names (e.g. `cost_usd` -> `cost`), so a rejection names the field
 * the user can find in their file.
 */
export function validatedItem(
  ctx: ImportContext,
  input: Record<string, unknown>,
  origin: ImportOrigin,
  sourceFields: Readonly<Record<string, string>> = {},
): AcceptedItem | RejectedItem {
  const result = ctx.validator.validate(input);
  if (result.ok) return { kind: 'record', record: result.record, origin };
  const llm = result.llm ?? (typeof input['llm'] === 'string' ? input['llm'] : undefined);
  return {
    kind: 'rejected',
    origin,
    reason: result.reason,
    violations: result.violations.map((v) => violation(sourceFields[v.field] ?? v.field, v.code, v.reason)),
    ...(llm ? { llm } : {}),
  };
}
