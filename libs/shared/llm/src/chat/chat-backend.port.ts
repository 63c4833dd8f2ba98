import { LlmError } from './llm-error';

/**
 * One port for every LLM call: any OpenAI-compatible server (vLLM, SGLang, TGI, Ollama, hosted APIs),
 * or the replay backend that serves logged responses.
 */

export type ChatRole = 'system' | 'user' | 'assistant';

export interface ChatMessage {
  role: ChatRole;
  content: string;
}

/** A chat-completions request. Sampling fields left undefined are not sent (the server's defaults apply). */
export interface ChatRequest {
  model: string;
  messages: readonly ChatMessage[];
  max_tokens?: number;
  temperature?: number;
  top_p?: number;
  stop?: string | readonly string[];
  /**
   * Extra body fields passed through as is (`seed`, `top_k`, `repetition_penalty`, ...).
   * They never override `model`, `messages`, the sampling fields above, `stream` or `stream_options`.
   */
  extra?: Readonly<Record<string, unknown>>;
}

/** Per-call options. */
export interface ChatCallOptions {
  /** Cancels the call; an aborted call fails with an `LlmError` of kind `cancelled`. */
  signal?: AbortSignal;
  /** Overrides the backend's per-request timeout (ms) for this call. */
  timeoutMs?: number;
}

export type FinishReason = 'stop' | 'length' | 'content_filter' | 'tool_calls' | 'unknown';

export interface TokenUsage {
  promptTokens: number;
  completionTokens: number;
  /** True when the server reported no (or partial) usage and at least one count is an estimate. */
  estimated: boolean;
}

/** The outcome of one completed call. */
export interface ChatResult {
  text: string;
  finishReason: FinishReason;
  usage: TokenUsage;
  /** Wall time from sending the request to the end of the response (ms). */
  latencyMs: number;
  /** Time to the first streamed text (ms); only set for streamed calls that produced text. */
  timeToFirstTokenMs?: number;
  /** The model id the server reports (may differ from the requested one, e.g. a resolved alias). */
  model: string;
}

/** A streamed piece: text deltas, then exactly one `end` carrying the whole result. */
export type ChatChunk = { type: 'delta'; text: string } | { type: 'end'; result: ChatResult };

/** The port every LLM call goes through. Failures are `LlmError`s with a kind and a retryable flag. */
export interface ChatBackend {
  complete(req: ChatRequest, opts?: ChatCallOptions): Promise<ChatResult>;
  stream(req: ChatRequest, opts?: ChatCallOptions): AsyncIterable<ChatChunk>;
}

/** Drains a stream into its final result (the `end` chunk). */
export async function collectStream(chunks: AsyncIterable<ChatChunk>): Promise<ChatResult> {
  let result: ChatResult | undefined;
  for await (const chunk of chunks) {
    if (chunk.type === 'end') result = chunk.result;
  }
  if (!result) throw new LlmError('malformed_response', 'stream ended without an end chunk');
  return result;
}
