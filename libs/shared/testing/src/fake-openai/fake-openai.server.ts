import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';

/** A successful reply. `usage: null` leaves usage out of the response (clients must estimate). */
export interface FakeReply {
  text: string;
  finishReason?: string;
  usage?: { promptTokens: number; completionTokens: number } | null;
  /** The model id reported back; defaults to the requested one. */
  model?: string;
}

/**
 * How the server answers one model. Wrappers (`fail`, `delay`, `sequence`, `fn`) keep their state per script
 * object, so reuse the same object to keep counting across requests.
 */
export type FakeScript =
  | ({ kind: 'reply' } & FakeReply)
  /** Replies with the last user message (embeddings: vectors of the inputs). */
  | { kind: 'echo' }
  /** Decides per request: a text, a reply, or another script to apply. */
  | {
      kind: 'fn';
      fn: (req: FakeRequest) => string | FakeReply | FakeScript | Promise<string | FakeReply | FakeScript>;
    }
  /** Fails `times` times with `status` (429 gets `Retry-After: retryAfterS` when given), then runs `then`. */
  | { kind: 'fail'; status: number; times: number; retryAfterS?: number; message?: string; then: FakeScript }
  | { kind: 'always_fail'; status: number; retryAfterS?: number; message?: string }
  /** Waits `ms` before running `then` (for client timeouts). */
  | { kind: 'delay'; ms: number; then: FakeScript }
  /** 200 with a body that is not JSON (streaming: one good chunk, then a broken event). */
  | { kind: 'malformed_json' }
  /** 200 with JSON lacking `choices` (embeddings: lacking `data`). */
  | { kind: 'missing_choices' }
  /** Destroys the socket: at once, or (streaming) after sending `afterChunks` text chunks. */
  | { kind: 'close_socket'; afterChunks?: number }
  /** The n-th request gets `steps[n]`; the last step repeats. */
  | { kind: 'sequence'; steps: readonly FakeScript[] };

/** One request as the server received it. */
export interface FakeRequest {
  seq: number;
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  rawBody: string;
  /** Parsed JSON body, or undefined when there is none or it is not JSON. */
  body: Record<string, unknown> | undefined;
  model: string | undefined;
  stream: boolean;
  /** Content of the last `user` message (chat only). */
  lastUserMessage: string | undefined;
  /** `Date.now()` on arrival. */
  receivedAt: number;
}

export interface FakeOpenAiOptions {
  /** When set, every request must carry `Authorization: Bearer <apiKey>` (else 401). */
  apiKey?: string;
  /** Scripts by model. */
  scripts?: Record<string, FakeScript>;
  /** For models without a script. Default: echo. */
  defaultScript?: FakeScript;
  /** Embedding dimension for models without their own. Default 8. */
  embeddingDimension?: number;
  /** Extra ids listed by `GET /v1/models` (scripted models are always listed). */
  models?: readonly string[];
}

/** FNV-1a, for deterministic fake embeddings. */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** The raw (not normalised) vector the fake returns for `text`: values in [-3, 3]. */
export function fakeEmbeddingOf(text: string, dimension: number): number[] {
  const v: number[] = [];
  for (let d = 0; d < dimension; d++) v.push(((fnv1a(`${d}:${text}`) % 2001) / 1000 - 1) * 3);
  return v;
}

function wordCount(text: string): number {
  const t = text.trim();
  return t === '' ? 0 : t.split(/\s+/).length;
}

/** Splits text into stream chunks: each word with the whitespace that follows it. */
export function fakeStreamChunks(text: string): string[] {
  return text.match(/\S+\s*|\s+/g) ?? [];
}

type Terminal = Exclude<
  FakeScript,
  { kind: 'fn' } | { kind: 'fail' } | { kind: 'delay' } | { kind: 'sequence' }
>;

/**
 * A deterministic OpenAI-compatible HTTP server for tests: chat completions (plain and SSE), embeddings and
 * model listing, scriptable per model, recording every request. Listens on 127.0.0.1, port 0.
 */
export class FakeOpenAiServer {
  readonly requests: FakeRequest[] = [];
  private readonly scripts = new Map<string, FakeScript>();
  private readonly dimensions = new Map<string, number>();
  private counters = new WeakMap<object, number>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private active = 0;
  private peak = 0;
  private seq = 0;
  private defaultScript: FakeScript;
  private readonly extraModels: readonly string[];
  private readonly apiKey: string | undefined;
  private readonly embeddingDimension: number;

  private constructor(
    private readonly server: Server,
    readonly url: string,
    opts: FakeOpenAiOptions,
  ) {
    this.defaultScript = opts.defaultScript ?? { kind: 'echo' };
    this.extraModels = opts.models ?? [];
    this.apiKey = opts.apiKey;
    this.embeddingDimension = opts.embeddingDimension ?? 8;
    for (const [model, script] of Object.entries(opts.scripts ?? {})) this.scripts.set(model, script);
  }

  static async start(opts: FakeOpenAiOptions = {}): Promise<FakeOpenAiServer> {
    const box: { self?: FakeOpenAiServer } = {};
    const server = createServer((req, res) => {
      if (box.self) box.self.handle(req, res).catch(() => res.destroy());
      else res.destroy();
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const { port } = server.address() as AddressInfo;
    const self = new FakeOpenAiServer(server, `http://127.0.0.1:${port}`, opts);
    box.self = self;
    return self;
  }

  /** Sets (or replaces) the script of one model, resetting nothing else. */
  script(model: string, script: FakeScript): this {
    this.scripts.set(model, script);
    return this;
  }

  setDefaultScript(script: FakeScript): this {
    this.defaultScript = script;
    return this;
  }

  setEmbeddingDimension(model: string, dimension: number): this {
    this.dimensions.set(model, dimension);
    return this;
  }

  requestsFor(model: string, path = '/v1/chat/completions'): FakeRequest[] {
    return this.requests.filter((r) => r.model === model && r.path === path);
  }

  /** Chat/embedding requests being answered now. */
  get inFlight(): number {
    return this.active;
  }

  /** The most chat/embedding requests answered at once since start (or the last reset). */
  get maxInFlight(): number {
    return this.peak;
  }

  /** Forgets recorded requests, every script counter (also of scripts a `fn` returned) and the in-flight peak; scripts stay. */
  reset(): void {
    this.requests.length = 0;
    this.peak = this.active;
    this.counters = new WeakMap();
  }

  async stop(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    res.on('error', () => undefined);
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const rawBody = Buffer.concat(chunks).toString('utf8');
    let body: Record<string, unknown> | undefined;
    try {
      const parsed: unknown = rawBody ? JSON.parse(rawBody) : undefined;
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed))
        body = parsed as Record<string, unknown>;
    } catch {
      body = undefined;
    }
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const messages = Array.isArray(body?.['messages']) ? (body['messages'] as unknown[]) : [];
    const lastUser = [...messages]
      .reverse()
      .find(
        (m): m is { role: string; content: string } =>
          !!m && typeof m === 'object' && (m as { role?: unknown }).role === 'user',
      );
    const record: FakeRequest = {
      seq: ++this.seq,
      method: req.method ?? 'GET',
      path,
      headers: req.headers,
      rawBody,
      body,
      model: typeof body?.['model'] === 'string' ? body['model'] : undefined,
      stream: body?.['stream'] === true,
      lastUserMessage: typeof lastUser?.content === 'string' ? lastUser.content : undefined,
      receivedAt: Date.now(),
    };
    this.requests.push(record);

    if (this.apiKey !== undefined && req.headers.authorization !== `Bearer ${this.apiKey}`) {
      this.sendError(res, 401, 'invalid or missing API key', 'authentication_error');
      return;
    }
    if (req.method === 'GET' && path === '/v1/models') {
      const ids = [...new Set([...this.scripts.keys(), ...this.extraModels])].sort();
      this.sendJson(res, 200, {
        object: 'list',
        data: ids.map((id) => ({ id, object: 'model', created: 0, owned_by: 'fake-openai' })),
      });
      return;
    }
    const isChat = path === '/v1/chat/completions';
    const isEmbeddings = path === '/v1/embeddings';
    if (req.method !== 'POST' || (!isChat && !isEmbeddings)) {
      this.sendError(res, 404, `no route ${req.method ?? ''} ${path}`, 'not_found_error');
      return;
    }
    if (!body) {
      this.sendError(res, 400, 'request body must be a JSON object', 'invalid_request_error');
      return;
    }
    if (!record.model) {
      this.sendError(res, 400, '"model" is required', 'invalid_request_error');
      return;
    }
    if (isChat && messages.length === 0) {
      this.sendError(res, 400, '"messages" must be a non-empty array', 'invalid_request_error');
      return;
    }
    const inputs = isEmbeddings ? this.embeddingInputs(body['input']) : [];
    if (isEmbeddings && inputs === undefined) {
      this.sendError(res, 400, '"input" must be a string or an array of strings', 'invalid_request_error');
      return;
    }

    this.active++;
    this.peak = Math.max(this.peak, this.active);
    res.once('close', () => this.active--);
    try {
      const terminal = await this.resolve(this.scripts.get(record.model) ?? this.defaultScript, record);
      if (res.destroyed) return;
      if (isChat) this.answerChat(res, record, terminal, messages);
      else this.answerEmbeddings(res, record, terminal, inputs ?? []);
    } catch (err) {
      this.sendError(
        res,
        500,
        `fake script threw: ${err instanceof Error ? err.message : String(err)}`,
        'server_error',
      );
    }
  }

  private embeddingInputs(input: unknown): string[] | undefined {
    if (typeof input === 'string') return [input];
    if (Array.isArray(input) && input.every((x) => typeof x === 'string')) return input as string[];
    return undefined;
  }

  private next(script: object): number {
    const n = this.counters.get(script) ?? 0;
    this.counters.set(script, n + 1);
    return n;
  }

  /** Runs wrappers (counting, waiting, calling fns) down to what to send. */
  private async resolve(
    script: FakeScript,
    req: FakeRequest,
  ): Promise<Terminal | { kind: 'error'; status: number; retryAfterS?: number; message?: string }> {
    switch (script.kind) {
      case 'fail': {
        const n = this.next(script);
        if (n < script.times) {
          return {
            kind: 'error',
            status: script.status,
            retryAfterS: script.retryAfterS,
            message: script.message,
          };
        }
        return this.resolve(script.then, req);
      }
      case 'always_fail':
        return {
          kind: 'error',
          status: script.status,
          retryAfterS: script.retryAfterS,
          message: script.message,
        };
      case 'sequence': {
        const n = this.next(script);
        const step = script.steps[Math.min(n, script.steps.length - 1)];
        if (!step) return { kind: 'error', status: 500, message: 'empty sequence script' };
        return this.resolve(step, req);
      }
      case 'delay':
        await new Promise<void>((resolve) => {
          const t = setTimeout(() => {
            this.timers.delete(t);
            resolve();
          }, script.ms);
          this.timers.add(t);
        });
        return this.resolve(script.then, req);
      case 'fn': {
        const out = await script.fn(req);
        if (typeof out === 'string') return { kind: 'reply', text: out };
        if ('kind' in out) return this.resolve(out, req);
        return { kind: 'reply', ...out };
      }
      default:
        return script;
    }
  }

  private answerChat(
    res: ServerResponse,
    req: FakeRequest,
    action: Terminal | { kind: 'error'; status: number; retryAfterS?: number; message?: string },
    messages: unknown[],
  ): void {
    const model = req.model ?? 'unknown';
    switch (action.kind) {
      case 'error':
        this.sendError(
          res,
          action.status,
          action.message ?? `scripted failure ${action.status}`,
          'server_error',
          action.retryAfterS,
        );
        return;
      case 'malformed_json':
        if (req.stream) {
          this.startSse(res);
          this.sseChunk(res, req, model, { role: 'assistant', content: 'partial' }, null);
          res.end('data: {"id": "broken", "choices": [\n\n');
        } else {
          this.sendRaw(res, 200, 'application/json', '{"id": "chatcmpl-broken", "choices": [{"message": ');
        }
        return;
      case 'missing_choices':
        if (req.stream) {
          this.startSse(res);
          res.end(
            `data: ${JSON.stringify({ id: 'chatcmpl-fake', object: 'chat.completion.chunk', model })}\n\n`,
          );
        } else {
          this.sendJson(res, 200, { id: 'chatcmpl-fake', object: 'chat.completion', created: 0, model });
        }
        return;
      case 'close_socket': {
        if (!req.stream || !action.afterChunks) {
          res.socket?.destroy();
          return;
        }
        this.startSse(res);
        const text = req.lastUserMessage ?? 'closing soon';
        for (const piece of fakeStreamChunks(text).slice(0, action.afterChunks)) {
          this.sseChunk(res, req, model, { content: piece }, null);
        }
        // Let the written chunks reach the client before the connection dies.
        setImmediate(() => res.socket?.destroy());
        return;
      }
      case 'echo':
      case 'reply': {
        const reply: FakeReply = action.kind === 'echo' ? { text: req.lastUserMessage ?? '' } : action;
        this.sendReply(res, req, reply, messages);
        return;
      }
    }
  }

  private sendReply(res: ServerResponse, req: FakeRequest, reply: FakeReply, messages: unknown[]): void {
    const model = reply.model ?? req.model ?? 'unknown';
    const finishReason = reply.finishReason ?? 'stop';
    const promptWords = messages.reduce<number>(
      (n, m) =>
        n +
        wordCount(
          typeof (m as { content?: unknown })?.content === 'string' ? (m as { content: string }).content : '',
        ),
      0,
    );
    const usage =
      reply.usage === null
        ? undefined
        : reply.usage
          ? { prompt_tokens: reply.usage.promptTokens, completion_tokens: reply.usage.completionTokens }
          : { prompt_tokens: promptWords, completion_tokens: wordCount(reply.text) };
    const withTotal = usage
      ? { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens }
      : undefined;
    if (!req.stream) {
      this.sendJson(res, 200, {
        id: `chatcmpl-fake-${req.seq}`,
        object: 'chat.completion',
        created: 0,
        model,
        choices: [
          { index: 0, message: { role: 'assistant', content: reply.text }, finish_reason: finishReason },
        ],
        ...(withTotal ? { usage: withTotal } : {}),
      });
      return;
    }
    this.startSse(res);
    this.sseChunk(res, req, model, { role: 'assistant', content: '' }, null);
    for (const piece of fakeStreamChunks(reply.text))
      this.sseChunk(res, req, model, { content: piece }, null);
    this.sseChunk(res, req, model, {}, finishReason);
    const streamOptions = req.body?.['stream_options'] as { include_usage?: unknown } | undefined;
    if (withTotal && streamOptions?.include_usage === true) {
      res.write(
        `data: ${JSON.stringify({ id: `chatcmpl-fake-${req.seq}`, object: 'chat.completion.chunk', created: 0, model, choices: [], usage: withTotal })}\n\n`,
      );
    }
    res.end('data: [DONE]\n\n');
  }

  private answerEmbeddings(
    res: ServerResponse,
    req: FakeRequest,
    action: Terminal | { kind: 'error'; status: number; retryAfterS?: number; message?: string },
    inputs: string[],
  ): void {
    const model = req.model ?? 'unknown';
    switch (action.kind) {
      case 'error':
        this.sendError(
          res,
          action.status,
          action.message ?? `scripted failure ${action.status}`,
          'server_error',
          action.retryAfterS,
        );
        return;
      case 'malformed_json':
        this.sendRaw(res, 200, 'application/json', '{"object": "list", "data": [');
        return;
      case 'missing_choices':
        this.sendJson(res, 200, { object: 'list', model });
        return;
      case 'close_socket':
        res.socket?.destroy();
        return;
      default: {
        const dimension = this.dimensions.get(model) ?? this.embeddingDimension;
        // Reversed on purpose: clients must order by `index`, not by position.
        const data = inputs
          .map((text, index) => ({ object: 'embedding', index, embedding: fakeEmbeddingOf(text, dimension) }))
          .reverse();
        const tokens = inputs.reduce((n, t) => n + wordCount(t), 0);
        this.sendJson(res, 200, {
          object: 'list',
          model,
          data,
          usage: { prompt_tokens: tokens, total_tokens: tokens },
        });
      }
    }
  }

  private startSse(res: ServerResponse): void {
    res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
    });
    res.flushHeaders();
  }

  private sseChunk(
    res: ServerResponse,
    req: FakeRequest,
    model: string,
    delta: Record<string, unknown>,
    finishReason: string | null,
  ): void {
    const chunk = {
      id: `chatcmpl-fake-${req.seq}`,
      object: 'chat.completion.chunk',
      created: 0,
      model,
      choices: [{ index: 0, delta, finish_reason: finishReason }],
    };
    res.write(`data: ${JSON.stringify(chunk)}\n\n`);
  }

  private sendJson(res: ServerResponse, status: number, body: unknown): void {
    this.sendRaw(res, status, 'application/json', JSON.stringify(body));
  }

  private sendRaw(
    res: ServerResponse,
    status: number,
    contentType: string,
    text: string,
    extra: Record<string, string> = {},
  ): void {
    if (res.destroyed) return;
    res.writeHead(status, {
      'content-type': contentType,
      'content-length': Buffer.byteLength(text),
      ...extra,
    });
    res.end(text);
  }

  private sendError(
    res: ServerResponse,
    status: number,
    message: string,
    type: string,
    retryAfterS?: number,
  ): void {
    const headers: Record<string, string> =
      retryAfterS === undefined ? {} : { 'retry-after': String(retryAfterS) };
    this.sendRaw(
      res,
      status,
      'application/json',
      JSON.stringify({ error: { message, type, code: status } }),
      headers,
    );
  }
}

/** Starts a fake server; remember to `stop()` it. */
export function startFakeOpenAi(opts: FakeOpenAiOptions = {}): Promise<FakeOpenAiServer> {
  return FakeOpenAiServer.start(opts);
}
