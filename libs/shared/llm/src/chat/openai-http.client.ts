import { isLlmError, kindForStatus, LlmError, parseRetryAfter, truncateBody } from './llm-error';

/** Connection settings shared by the OpenAI-compatible chat and embeddings adapters. */
export interface OpenAiHttpOptions {
  /** Server root, e.g. `http://vllm:8000`; a trailing `/v1` is accepted and dropped. */
  baseUrl: string;
  /** Sent as `Authorization: Bearer <apiKey>` when set. */
  apiKey?: string;
  /** Extra headers on every request (e.g. an org or project header). */
  headers?: Readonly<Record<string, string>>;
  /** Per-request timeout (ms), covering the whole response including a stream. Default 60 000. */
  timeoutMs?: number;
  /** Defaults to the global `fetch`. */
  fetch?: typeof fetch;
  /** Monotonic ms, for latency. */
  now?: () => number;
}

export function normaliseBaseUrl(baseUrl: string): string {
  let url = baseUrl.trim();
  if (!/^https?:\/\//i.test(url))
    throw new RangeError(`baseUrl must start with http:// or https://, got "${baseUrl}"`);
  url = url.replace(/\/+$/, '');
  return url.replace(/\/v1$/, '');
}

/** An in-flight request whose response headers have arrived with a 2xx status. */
export interface OpenHttpCall {
  response: Response;
  startedAt: number;
  /** Reads the whole body as text. */
  text(): Promise<string>;
  /** Reads the body as decoded text chunks. */
  chunks(): AsyncGenerator<string>;
  /** Maps any error raised while reading to an `LlmError`. */
  classify(err: unknown): LlmError;
  /** Frees the timer and listeners, and aborts the request if its body was not read to the end. */
  close(): void;
}

export interface PostOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
  /** For error messages. */
  model?: string;
}

/** Extracts a readable message from an OpenAI-style (or vLLM/TGI/Ollama-style) error body. */
export function errorMessageOf(body: string): string | undefined {
  try {
    const parsed: unknown = JSON.parse(body);
    if (parsed && typeof parsed === 'object') {
      const o = parsed as Record<string, unknown>;
      const err = o['error'];
      if (typeof err === 'string') return err;
      if (err && typeof err === 'object' && typeof (err as Record<string, unknown>)['message'] === 'string') {
        return (err as Record<string, unknown>)['message'] as string;
      }
      if (typeof o['message'] === 'string') return o['message'];
      if (typeof o['detail'] === 'string') return o['detail'];
    }
  } catch {
    // not JSON: fall through to the raw text
  }
  const trimmed = body.trim();
  return trimmed.length > 0 ? truncateBody(trimmed, 200) : undefined;
}

/** Thin fetch wrapper: auth header, timeout + caller abort, and HTTP/network failures mapped to `LlmError`. */
export class OpenAiHttpClient {
  readonly baseUrl: string;
  private readonly apiKey: string | undefined;
  private readonly headers: Readonly<Record<string, string>>;
  private readonly timeoutMs: number;
  private readonly fetchImpl: typeof fetch;
  readonly now: () => number;

  constructor(opts: OpenAiHttpOptions) {
    this.baseUrl = normaliseBaseUrl(opts.baseUrl);
    this.apiKey = opts.apiKey && opts.apiKey.length > 0 ? opts.apiKey : undefined;
    this.headers = opts.headers ?? {};
    this.timeoutMs = opts.timeoutMs ?? 60_000;
    if (!(this.timeoutMs > 0)) throw new RangeError(`timeoutMs must be > 0, got ${opts.timeoutMs}`);
    this.fetchImpl = opts.fetch ?? ((input, init) => fetch(input, init));
    this.now = opts.now ?? (() => performance.now());
  }

  async post(path: string, body: unknown, opts: PostOptions = {}): Promise<OpenHttpCall> {
    const controller = new AbortController();
    const timeoutMs = opts.timeoutMs ?? this.timeoutMs;
    let timedOut = false;
    let finished = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
    const onCallerAbort = (): void => controller.abort();
    opts.signal?.addEventListener('abort', onCallerAbort, { once: true });
    const close = (): void => {
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onCallerAbort);
      if (!finished) controller.abort();
      finished = true;
    };
    const who = opts.model ? `${opts.model}: ` : '';
    const classify = (err: unknown): LlmError => {
      if (isLlmError(err)) return err;
      if (timedOut) {
        return new LlmError('timeout', `${who}no complete response within ${timeoutMs} ms`, {
          model: opts.model,
          cause: err,
        });
      }
      if (opts.signal?.aborted)
        return new LlmError('cancelled', `${who}request aborted by caller`, { model: opts.model });
      const cause = err instanceof Error && err.cause instanceof Error ? `: ${err.cause.message}` : '';
      const message = err instanceof Error ? err.message : String(err);
      return new LlmError('network', `${who}${message}${cause}`, { model: opts.model, cause: err });
    };

    if (opts.signal?.aborted) {
      close();
      throw new LlmError('cancelled', `${who}request aborted by caller`, { model: opts.model });
    }
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      ...this.headers,
    };
    if (this.apiKey) headers['authorization'] = `Bearer ${this.apiKey}`;

    const startedAt = this.now();
    let response: Response;
    try {
      response = await this.fetchImpl(`${this.baseUrl}${path}`, {
        method: 'POST',
        headers,
        body: JSON.stringify(body),
        signal: controller.signal,
      });
    } catch (err) {
      const mapped = classify(err);
      close();
      throw mapped;
    }

    if (!response.ok) {
      let text = '';
      try {
        text = await response.text();
      } catch (err) {
        const mapped = classify(err);
        close();
        throw mapped;
      }
      finished = true;
      close();
      const kind = kindForStatus(response.status);
      const retryAfterMs = parseRetryAfter(
        response.headers.get('retry-after'),
        response.headers.get('retry-after-ms'),
        Date.now(),
      );
      const detail = errorMessageOf(text);
      throw new LlmError(kind, `${who}HTTP ${response.status}${detail ? `: ${detail}` : ''}`, {
        status: response.status,
        retryAfterMs,
        rawBody: text,
        model: opts.model,
      });
    }

    return {
      response,
      startedAt,
      classify,
      close,
      text: async () => {
        try {
          const text = await response.text();
          finished = true;
          return text;
        } catch (err) {
          throw classify(err);
        }
      },
      chunks: async function* () {
        if (!response.body)
          throw new LlmError('malformed_response', `${who}response has no body`, { model: opts.model });
        const reader = response.body.getReader();
        const decoder = new TextDecoder();
        try {
          for (;;) {
            let step: Awaited<ReturnType<typeof reader.read>>;
            try {
              step = await reader.read();
            } catch (err) {
              throw classify(err);
            }
            if (step.done) break;
            const text = decoder.decode(step.value, { stream: true });
            if (text.length > 0) yield text;
          }
          const tail = decoder.decode();
          if (tail.length > 0) yield tail;
          finished = true;
        } finally {
          reader.releaseLock();
        }
      },
    };
  }
}
