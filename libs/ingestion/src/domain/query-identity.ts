import type { PromptMode } from '@fusion/contracts';
import { stableHash } from '@fusion/shared/kernel';
import { taskKey } from './task-catalog';

// The think-mode instruction, wherever a template put it (the paper appends it, with or without a final
// period, or places it inside the template): removing it lets direct and think rows share a query id.
const THINK_INSTRUCTION = /let['’]?s\s+think\s+step\s+by\s+step\s*[.!]?/gi;

/** Normalised query text: NFC, think instruction removed, trimmed, whitespace collapsed. */
export function normaliseQueryText(text: string): string {
  return text.normalize('NFC').replace(THINK_INSTRUCTION, ' ').replace(/\s+/g, ' ').trim();
}

/**
 * Stable id of a query: a hash of the task and the normalised text. `sourceKey` separates queries whose
 * text is the same but which a source keeps apart (RouterBench reuses prompt text under different samples).
 */
export function deriveQueryId(input: { taskName: string; text: string; sourceKey?: string | null }): string {
  return `q-${stableHash(['query/v1', taskKey(input.taskName), normaliseQueryText(input.text), input.sourceKey ?? ''])}`;
}

/** Idempotency key of a record: one per (tenant, query, LLM, prompt mode). */
export function deriveRecordId(input: {
  tenant: string;
  queryId: string;
  llm: string;
  promptMode: PromptMode;
}): string {
  return `r-${stableHash(['record/v1', input.tenant, input.queryId, input.llm, input.promptMode])}`;
}
