import { candidateOf, parseCandidate, type LogRecord } from '@fusion/contracts';
import type { ChatBackend, ChatCallOptions, ChatChunk, ChatRequest, ChatResult } from './chat-backend.port';
import { LlmError } from './llm-error';
import { estimatePromptTokens, estimateTokens } from './token-estimate';

/** The text a replay lookup keys on: NFKC, trimmed, runs of whitespace collapsed (case kept). */
export function normaliseReplayText(text: string): string {
  return text.normalize('NFKC').replace(/\s+/g, ' ').trim();
}

function keyOf(candidate: string, text: string): string {
  return `${candidate}\u0000${normaliseReplayText(text)}`;
}

export interface ReplayOptions {
  /** Serves requests with no logged response; without one they fail with a `bad_request` LlmError. */
  fallback?: ChatBackend;
}

export interface ReplayStats {
  /** Distinct (candidate, query) pairs served. */
  entries: number;
  /** Records left out because their response is empty (the logged call failed). */
  skippedEmpty: number;
  /** Records left out because an earlier record already holds the same key. */
  duplicates: number;
}

interface Entry {
  record: LogRecord;
}

/**
 * Serves logged responses as a `ChatBackend`, for offline evaluation and tests without a model server.
 * The request model is a candidate (`record.llm`, plus `:think` for the reasoning mode); the key is that
 * candidate with the normalised last user message. A think record is also found by its query's direct text.
 * Sampling fields are ignored: the log is what it is. Token counts are the logged ones (estimated when absent).
 */
export class ReplayChatBackend implements ChatBackend {
  private readonly entries = new Map<string, Entry>();
  private readonly candidates = new Set<string>();
  private readonly fallback: ChatBackend | undefined;
  readonly stats: ReplayStats;

  constructor(records: Iterable<LogRecord>, opts: ReplayOptions = {}) {
    this.fallback = opts.fallback;
    let skippedEmpty = 0;
    let duplicates = 0;
    const directQueryById = new Map<string, string>();
    const think: LogRecord[] = [];
    for (const record of records) {
      if (typeof record.response !== 'string' || record.response.length === 0) {
        skippedEmpty++;
        continue;
      }
      const candidate = candidateOf(record.llm, record.promptMode);
      const key = keyOf(candidate, record.query);
      if (this.entries.has(key)) {
        duplicates++;
        continue;
      }
      this.entries.set(key, { record });
      this.candidates.add(candidate);
      if (record.promptMode === 'direct')
        directQueryById.set(`${record.tenant}\u0000${record.queryId}`, record.query);
      else think.push(record);
    }
    // Think rows log the think prompt; a router sends the plain query with `<llm>:think`, so alias it.
    for (const record of think) {
      const direct = directQueryById.get(`${record.tenant}\u0000${record.queryId}`);
      if (direct === undefined) continue;
      const alias = keyOf(candidateOf(record.llm, 'think'), direct);
      if (!this.entries.has(alias)) this.entries.set(alias, { record });
    }
    this.stats = { entries: this.entries.size, skippedEmpty, duplicates };
  }

  /** Candidates with at least one logged response. */
  knownCandidates(): string[] {
    return [...this.candidates].sort();
  }

  async complete(req: ChatRequest, opts: ChatCallOptions = {}): Promise<ChatResult> {
    const entry = this.lookup(req);
    if (!entry) return this.fallbackOrFail(req).complete(req, opts);
    if (opts.signal?.aborted) throw new LlmError('cancelled', `${req.model}: request aborted by caller`);
    return this.resultOf(entry, req);
  }

  async *stream(req: ChatRequest, opts: ChatCallOptions = {}): AsyncGenerator<ChatChunk> {
    const entry = this.lookup(req);
    if (!entry) {
      yield* this.fallbackOrFail(req).stream(req, opts);
      return;
    }
    if (opts.signal?.aborted) throw new LlmError('cancelled', `${req.model}: request aborted by caller`);
    const result = this.resultOf(entry, req);
    if (result.text.length > 0) yield { type: 'delta', text: result.text };
    yield { type: 'end', result };
  }

  private lookup(req: ChatRequest): Entry | undefined {
    const user = lastUserMessage(req);
    if (user === undefined) return undefined;
    const { llm, promptMode } = parseCandidate(req.model);
    return this.entries.get(keyOf(candidateOf(llm, promptMode), user));
  }

  private fallbackOrFail(req: ChatRequest): ChatBackend {
    if (this.fallback) return this.fallback;
    const user = lastUserMessage(req);
    const why =
      user === undefined
        ? 'the request has no user message'
        : !this.candidates.has(req.model)
          ? `no logged responses for model "${req.model}" (known: ${this.knownCandidates().slice(0, 10).join(', ') || 'none'})`
          : `no logged response of "${req.model}" to the query "${truncate(normaliseReplayText(user), 80)}"`;
    throw new LlmError('bad_request', `replay: ${why}`, { model: req.model });
  }

  private resultOf(entry: Entry, req: ChatRequest): ChatResult {
    const r = entry.record;
    const estimated = r.inputTokens === null || r.outputTokens === null;
    return {
      text: r.response,
      finishReason: 'stop',
      usage: {
        promptTokens: r.inputTokens ?? estimatePromptTokens(req.messages),
        completionTokens: r.outputTokens ?? estimateTokens(r.response),
        estimated,
      },
      latencyMs: r.latencyMs ?? 0,
      model: candidateOf(r.llm, r.promptMode),
    };
  }
}

function lastUserMessage(req: ChatRequest): string | undefined {
  for (let i = req.messages.length - 1; i >= 0; i--) {
    const m = req.messages[i];
    if (m?.role === 'user') return m.content;
  }
  return undefined;
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}…`;
}
