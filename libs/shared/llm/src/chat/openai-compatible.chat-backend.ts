import type {
  ChatBackend,
  ChatCallOptions,
  ChatChunk,
  ChatRequest,
  ChatResult,
  FinishReason,
  TokenUsage,
} from './chat-backend.port';
import { LlmError } from './llm-error';
import { OpenAiHttpClient, type OpenAiHttpOptions } from './openai-http.client';
import { SseParser } from './sse.parser';
import { estimatePromptTokens, estimateTokens } from './token-estimate';

export interface OpenAiCompatibleChatOptions extends OpenAiHttpOptions {
  /**
   * Ask for usage in streamed responses (`stream_options.include_usage`). Default true; turn it off for a
   * server that rejects the field (usage is then estimated).
   */
  streamUsage?: boolean;
}

type Json = Record<string, unknown>;

const FINISH_REASONS: ReadonlySet<string> = new Set(['stop', 'length', 'content_filter', 'tool_calls']);

function finishReasonOf(value: unknown): FinishReason {
  if (typeof value !== 'string') return 'unknown';
  if (value === 'eos_token' || value === 'stop_sequence') return 'stop';
  return FINISH_REASONS.has(value) ? (value as FinishReason) : 'unknown';
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Message content as text: a string, null (empty), or an array of `{type:'text', text}` parts. */
function contentText(content: unknown): string | undefined {
  if (typeof content === 'string') return content;
  if (content === null || content === undefined) return '';
  if (Array.isArray(content)) {
    return content.map((p) => (isObject(p) && typeof p['text'] === 'string' ? p['text'] : '')).join('');
  }
  return undefined;
}

function count(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? Math.round(value) : undefined;
}

function usageOf(raw: unknown, req: ChatRequest, text: string): TokenUsage {
  const u = isObject(raw) ? raw : {};
  const prompt = count(u['prompt_tokens']);
  const completion = count(u['completion_tokens']);
  return {
    promptTokens: prompt ?? estimatePromptTokens(req.messages),
    completionTokens: completion ?? estimateTokens(text),
    estimated: prompt === undefined || completion === undefined,
  };
}

/** Fields this port owns; `extra` can never set them. */
const RESERVED = new Set([
  'model',
  'messages',
  'stream',
  'stream_options',
  'max_tokens',
  'temperature',
  'top_p',
  'stop',
]);

function bodyOf(req: ChatRequest, stream: boolean, streamUsage: boolean): Json {
  const body: Json = {};
  for (const [key, value] of Object.entries(req.extra ?? {})) if (!RESERVED.has(key)) body[key] = value;
  body['model'] = req.model;
  body['messages'] = req.messages;
  body['stream'] = stream;
  if (req.max_tokens !== undefined) body['max_tokens'] = req.max_tokens;
  if (req.temperature !== undefined) body['temperature'] = req.temperature;
  if (req.top_p !== undefined) body['top_p'] = req.top_p;
  if (req.stop !== undefined) body['stop'] = req.stop;
  if (stream && streamUsage) body['stream_options'] = { include_usage: true };
  return body;
}

function validate(req: ChatRequest): void {
  if (typeof req.model !== 'string' || req.model.trim() === '') {
    throw new LlmError('bad_request', 'request.model: must be a non-empty string');
  }
  if (!Array.isArray(req.messages) || req.messages.length === 0) {
    throw new LlmError('bad_request', 'request.messages: must be a non-empty array');
  }
  req.messages.forEach((m, i) => {
    if (!m || typeof m.content !== 'string' || !['system', 'user', 'assistant'].includes(m.role)) {
      throw new LlmError(
        'bad_request',
        `request.messages[${i}]: needs role system|user|assistant and string content`,
      );
    }
  });
}

/**
 * `ChatBackend` over any OpenAI-compatible server: `POST {baseUrl}/v1/chat/completions` on the global `fetch`,
 * SSE parsed by hand. It makes exactly one attempt per call; wrap it in `ResilientChatBackend` for retries
 * and limits.
 */
export class OpenAiCompatibleChatBackend implements ChatBackend {
  private readonly http: OpenAiHttpClient;
  private readonly streamUsage: boolean;

  constructor(opts: OpenAiCompatibleChatOptions) {
    this.http = new OpenAiHttpClient(opts);
    this.streamUsage = opts.streamUsage ?? true;
  }

  get baseUrl(): string {
    return this.http.baseUrl;
  }

  async complete(req: ChatRequest, opts: ChatCallOptions = {}): Promise<ChatResult> {
    validate(req);
    const call = await this.http.post('/v1/chat/completions', bodyOf(req, false, false), {
      ...opts,
      model: req.model,
    });
    try {
      const raw = await call.text();
      const latencyMs = this.http.now() - call.startedAt;
      return this.parseCompletion(raw, req, latencyMs);
    } finally {
      call.close();
    }
  }

  private parseCompletion(raw: string, req: ChatRequest, latencyMs: number): ChatResult {
    const malformed = (why: string): LlmError =>
      new LlmError('malformed_response', `${req.model}: malformed chat completion: ${why}`, {
        rawBody: raw,
        model: req.model,
      });
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch {
      throw malformed('body is not JSON');
    }
    if (!isObject(body)) throw malformed('body is not a JSON object');
    const choices = body['choices'];
    if (!Array.isArray(choices) || choices.length === 0) throw malformed('missing or empty "choices"');
    const choice: unknown = choices[0];
    if (!isObject(choice) || !isObject(choice['message'])) throw malformed('"choices[0].message" is missing');
    const text = contentText(choice['message']['content']);
    if (text === undefined) throw malformed('"choices[0].message.content" is not text');
    return {
      text,
      finishReason: finishReasonOf(choice['finish_reason']),
      usage: usageOf(body['usage'], req, text),
      latencyMs,
      model: typeof body['model'] === 'string' ? body['model'] : req.model,
    };
  }

  async *stream(req: ChatRequest, opts: ChatCallOptions = {}): AsyncGenerator<ChatChunk> {
    validate(req);
    const call = await this.http.post('/v1/chat/completions', bodyOf(req, true, this.streamUsage), {
      ...opts,
      model: req.model,
    });
    const parser = new SseParser();
    const parts: string[] = [];
    let finishReason: FinishReason | undefined;
    let usage: unknown;
    let model: string | undefined;
    let firstTokenAt: number | undefined;
    let done = false;
    const malformed = (why: string, data: string): LlmError =>
      new LlmError('malformed_response', `${req.model}: malformed stream event: ${why}`, {
        rawBody: data,
        model: req.model,
      });

    const handle = (data: string): string | undefined => {
      if (data.trim() === '[DONE]') {
        done = true;
        return undefined;
      }
      let event: unknown;
      try {
        event = JSON.parse(data);
      } catch {
        throw malformed('data is not JSON', data);
      }
      if (!isObject(event)) throw malformed('data is not a JSON object', data);
      // vLLM and others report mid-stream failures as an error object instead of a chunk.
      if (event['error'] !== undefined) {
        const e = event['error'];
        const message = isObject(e) && typeof e['message'] === 'string' ? e['message'] : JSON.stringify(e);
        throw new LlmError('server_error', `${req.model}: error in stream: ${message}`, {
          rawBody: data,
          model: req.model,
        });
      }
      if (typeof event['model'] === 'string') model = event['model'];
      if (isObject(event['usage'])) usage = event['usage'];
      const choices = event['choices'];
      if (choices === undefined || (Array.isArray(choices) && choices.length === 0)) {
        if (event['usage'] === undefined) throw malformed('missing "choices"', data);
        return undefined;
      }
      if (!Array.isArray(choices)) throw malformed('"choices" is not an array', data);
      const choice: unknown = choices[0];
      if (!isObject(choice)) throw malformed('"choices[0]" is not an object', data);
      if (choice['finish_reason'] !== null && choice['finish_reason'] !== undefined) {
        finishReason = finishReasonOf(choice['finish_reason']);
      }
      const delta = choice['delta'];
      if (delta === undefined || delta === null) return undefined;
      if (!isObject(delta)) throw malformed('"choices[0].delta" is not an object', data);
      const text = contentText(delta['content']);
      if (text === undefined) throw malformed('"choices[0].delta.content" is not text', data);
      return text.length > 0 ? text : undefined;
    };

    try {
      for await (const piece of call.chunks()) {
        for (const event of parser.push(piece)) {
          if (done) break;
          const text = handle(event.data);
          if (text !== undefined) {
            firstTokenAt ??= this.http.now();
            parts.push(text);
            yield { type: 'delta', text };
          }
        }
        if (done) break;
      }
      if (!done) {
        for (const event of parser.end()) {
          if (done) break;
          const text = handle(event.data);
          if (text !== undefined) {
            firstTokenAt ??= this.http.now();
            parts.push(text);
            yield { type: 'delta', text };
          }
        }
      }
      // Without [DONE] or a finish reason the connection ended early: the text may be cut short.
      if (!done && finishReason === undefined) {
        throw new LlmError('network', `${req.model}: stream ended before completion`, { model: req.model });
      }
      const text = parts.join('');
      const result: ChatResult = {
        text,
        finishReason: finishReason ?? 'unknown',
        usage: usageOf(usage, req, text),
        latencyMs: this.http.now() - call.startedAt,
        model: model ?? req.model,
      };
      if (firstTokenAt !== undefined) result.timeToFirstTokenMs = firstTokenAt - call.startedAt;
      yield { type: 'end', result };
    } catch (err) {
      throw call.classify(err);
    } finally {
      call.close();
    }
  }
}
