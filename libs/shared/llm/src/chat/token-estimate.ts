import type { ChatMessage } from './chat-backend.port';

/**
 * Rough token count (about 4 characters per token for English BPE vocabularies), used only when a server
 * reports no usage; results built on it are flagged `estimated`.
 */
export function estimateTokens(text: string): number {
  return text.length === 0 ? 0 : Math.ceil(text.length / 4);
}

/** Prompt estimate: content plus the few tokens chat templates add per message and for the reply header. */
export function estimatePromptTokens(messages: readonly ChatMessage[]): number {
  let total = 3;
  for (const m of messages) total += 4 + estimateTokens(m.content);
  return total;
}
