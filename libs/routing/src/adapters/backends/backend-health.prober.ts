import type { BackendEntry } from '../../application/backends/backend-config';
import type { BackendHealthTracker } from '../../application/backends/backend-health';

/** Optional periodic `GET <endpoint>/v1/models` per backend; a failed probe marks the backend unhealthy. */
export class BackendHealthProber {
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly entries: readonly BackendEntry[],
    private readonly health: BackendHealthTracker,
    private readonly options: {
      intervalMs: number;
      timeoutMs: number;
      env?: NodeJS.ProcessEnv;
      fetch?: typeof fetch;
    },
  ) {}

  start(): void {
    if (this.options.intervalMs <= 0 || this.entries.length === 0 || this.timer) return;
    this.timer = setInterval(() => void this.probeAll(), this.options.intervalMs);
    this.timer.unref();
    void this.probeAll();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  async probeAll(): Promise<void> {
    const env = this.options.env ?? process.env;
    const doFetch = this.options.fetch ?? fetch;
    await Promise.all(
      this.entries.map(async (e) => {
        const base = e.endpoint.replace(/\/+$/, '').replace(/\/v1$/, '');
        const key = e.apiKeyEnv ? env[e.apiKeyEnv] : undefined;
        try {
          const res = await doFetch(`${base}/v1/models`, {
            headers: key ? { authorization: `Bearer ${key}` } : {},
            signal: AbortSignal.timeout(this.options.timeoutMs),
          });
          await res.body?.cancel().catch(() => undefined);
          this.health.recordProbe(e.name, res.ok, res.ok ? null : `GET /v1/models answered ${res.status}`);
        } catch (err) {
          this.health.recordProbe(e.name, false, (err as Error).message);
        }
      }),
    );
  }
}
