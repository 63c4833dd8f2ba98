import type { FieldViolation } from '@fusion/shared/kernel';

/**
 * Why a source row or record was not ingested. String values are stable: they appear in import reports,
 * API responses and metrics labels.
 */
export enum RejectionReason {
  MissingField = 'missing_field',
  InvalidType = 'invalid_type',
  InvalidValue = 'invalid_value',
  OutOfRange = 'out_of_range',
  NegativeTokens = 'negative_tokens',
  UnknownPromptMode = 'unknown_prompt_mode',
  FieldTooLarge = 'field_too_large',
  InvalidUtf8 = 'invalid_utf8',
  MalformedRow = 'malformed_row',
  MalformedJson = 'malformed_json',
  UnterminatedQuote = 'unterminated_quote',
  Truncated = 'truncated',
  UnreadableFile = 'unreadable_file',
  EmptyScore = 'empty_score',
  JudgeUnparseable = 'judge_unparseable',
  NoJudgment = 'no_judgment',
  UnknownQuestion = 'unknown_question',
  /** The sink (store) refused a valid record; its own reason is in the message and the report key. */
  RefusedByStore = 'refused_by_store',
}

export const REJECTION_REASONS: readonly RejectionReason[] = Object.values(RejectionReason);

/** A field-level problem with its machine-readable reason code (`reason` stays the human message). */
export interface RecordViolation extends FieldViolation {
  code: RejectionReason;
}

export function violation(field: string, code: RejectionReason, reason: string): RecordViolation {
  return { field, code, reason };
}
