import type { LogRecord } from '@fusion/contracts';
import {
  ReplayChatBackend,
  type ChatBackend,
  type ChatCallOptions,
  type ChatChunk,
  type ChatRequest,
  type ChatResult,
} from '@fusion/shared/llm';
import type {
  BackendCatalog,
  BackendHandle,
  BackendView,
  TenantBackends,
} from '../../application/backends/backend-catalog.port';
import { BackendHealthTracker } from '../../application/backends/backend-health';
import type { ReplayableRecord, RoutingSampleStore } from '../../application/ports/routing-sample.store.port';
import { THINK_SUFFIX } from '../../application/serving/backend-execution';

export const REPLAY_ENDPOINT = 'replay://logged-responses';

/**
 * The replay backend speaks in candidates: `<llm>:think` with the plain query finds the logged think answer. The
 * executor sends the backend model plus the think line, so translate back.
 */
class ReplayCandidateBackend implements ChatBackend {
  constructor(
    private readonly replay: ReplayChatBackend,
    private readonly llm: string,
  ) {}

  complete(req: ChatRequest, opts?: ChatCallOptions): Promise<ChatResult> {
    return this.replay.complete(this.translate(req), opts);
  }

  stream(req: ChatRequest, opts?: ChatCallOptions): AsyncIterable<ChatChunk> {
    return this.replay.stream(this.translate(req), opts);
  }

  private translate(req: ChatRequest): ChatRequest {
    const messages = req.messages.map((m) => ({ ...m }));
    let think = false;
    for (let i = messages.length - 1; i >= 0; i--) {
      const m = messages[i]!;
      if (m.role !== 'user') continue;
      if (m.content.endsWith(THINK_SUFFIX)) {
        messages[i] = { role: 'user', content: m.content.slice(0, -THINK_SUFFIX.length) };
        think = true;
      }
      break;
    }
    return { ...req, model: think ? `${this.llm}:think` : this.llm, messages };
  }
}

function pricesOf(records: readonly ReplayableRecord[]): {
  inputPerMillionTokens: number;
  outputPerMillionTokens: number;
} {
  const priced = records.find((r) => r.inputPrice !== null && r.outputPrice !== null);
  if (priced)
    return { inputPerMillionTokens: priced.inputPrice!, outputPerMillionTokens: priced.outputPrice! };
  // No listed prices: a per-token price that reproduces the logged costs on average.
  let cost = 0;
  let tokens = 0;
  for (const r of records) {
    if (r.costUsd === null || r.inputTokens === null || r.outputTokens === null) continue;
    cost += r.costUsd;
    tokens += r.inputTokens + r.outputTokens;
  }
  const perMillion = tokens > 0 ? (cost / tokens) * 1_000_000 : 0;
  return { inputPerMillionTokens: perMillion, outputPerMillionTokens: perMillion };
}

/**
 * No backends file (the embedded demo): each tenant's logged answers served by `ReplayChatBackend`, one backend per
 * logged LLM, prices taken from the records. Queries never logged fail (and fall back like any backend error).
 * Rebuilt from the projection at most every `refreshMs`.
 */
export class ReplayBackendCatalog implements BackendCatalog {
  readonly mode = 'replay' as const;
  readonly health: BackendHealthTracker;
  private readonly tenants = new Map<
    string,
    { at: number; backends: TenantBackends; views: BackendView[] }
  >();

  constructor(
    private readonly samples: Pick<RoutingSampleStore, 'replayable'>,
    private readonly options: { refreshMs: number; unhealthyAfter: number; now?: () => number },
  ) {
    this.health = new BackendHealthTracker(options.unhealthyAfter);
  }

  async forTenant(tenant: string): Promise<TenantBackends> {
    return (await this.load(tenant)).backends;
  }

  async list(tenant: string): Promise<BackendView[]> {
    return (await this.load(tenant)).views.map((v) => {
      const h = this.health.view(v.name);
      return { ...v, healthy: h.healthy, lastError: h.lastError, consecutiveFailures: h.consecutiveFailures };
    });
  }

  describe(): string | undefined {
    return undefined;
  }

  private async load(tenant: string): Promise<{ backends: TenantBackends; views: BackendView[] }> {
    const now = (this.options.now ?? Date.now)();
    const hit = this.tenants.get(tenant);
    if (hit && now - hit.at < this.options.refreshMs) return hit;
    const records = await this.samples.replayable(tenant);
    const replay = new ReplayChatBackend(records.map(toLogRecord));
    const byLlm = new Map<string, ReplayableRecord[]>();
    for (const r of records) byLlm.set(r.llm, [...(byLlm.get(r.llm) ?? []), r]);
    const handles = new Map<string, BackendHandle>();
    for (const [llm, rs] of [...byLlm.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      handles.set(llm, {
        name: llm,
        kind: 'replay',
        endpoint: REPLAY_ENDPOINT,
        model: llm,
        chat: new ReplayCandidateBackend(replay, llm),
        prices: pricesOf(rs),
        timeoutMs: 5_000,
        descriptors: {},
        description: `replays ${rs.length} logged responses of ${llm}`,
      });
    }
    const entry = {
      at: now,
      backends: { get: (llm: string) => handles.get(llm), names: () => [...handles.keys()] },
      views: [...handles.values()].map((h) => ({
        name: h.name,
        endpoint: h.endpoint,
        model: h.model,
        inputPrice: h.prices.inputPerMillionTokens,
        outputPrice: h.prices.outputPerMillionTokens,
        healthy: true,
        kind: h.kind,
        description: h.description ?? '',
        lastError: null,
        consecutiveFailures: 0,
      })),
    };
    this.tenants.set(tenant, entry);
    return entry;
  }
}

function toLogRecord(r: ReplayableRecord): LogRecord {
  return {
    recordId: '',
    tenant: r.tenant,
    taskName: '',
    taskDomain: 'general',
    queryId: r.queryId,
    query: r.query,
    promptMode: r.promptMode,
    llm: r.llm,
    response: r.response,
    groundTruth: null,
    metric: null,
    performance: null,
    judgeScore: null,
    inputTokens: r.inputTokens,
    outputTokens: r.outputTokens,
    inputPrice: r.inputPrice,
    outputPrice: r.outputPrice,
    costUsd: r.costUsd,
    latencyMs: r.latencyMs,
    split: null,
    createdAt: '',
    metadata: {},
  };
}
