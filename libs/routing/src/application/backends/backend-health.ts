/** Health of one backend: the last calls' outcome and the last probe's. */
export interface BackendHealthView {
  healthy: boolean;
  lastError: string | null;
  consecutiveFailures: number;
}

/**
 * Backend health from call outcomes and optional probes: a backend is unhealthy after `unhealthyAfter` failed calls
 * in a row or a failed probe, and healthy again after one success. Unhealthy backends are tried last.
 */
export class BackendHealthTracker {
  private readonly state = new Map<
    string,
    { failures: number; lastError: string | null; probeFailed: boolean }
  >();

  constructor(private readonly unhealthyAfter = 3) {}

  recordCall(name: string, ok: boolean, error?: string | null): void {
    const s = this.entry(name);
    if (ok) {
      s.failures = 0;
      s.lastError = null;
      s.probeFailed = false;
    } else {
      s.failures += 1;
      s.lastError = error ?? 'failed';
    }
  }

  recordProbe(name: string, ok: boolean, error?: string | null): void {
    const s = this.entry(name);
    s.probeFailed = !ok;
    if (!ok) s.lastError = `probe: ${error ?? 'failed'}`;
    else if (s.failures === 0) s.lastError = null;
  }

  isHealthy(name: string): boolean {
    const s = this.state.get(name);
    return !s || (!s.probeFailed && s.failures < this.unhealthyAfter);
  }

  view(name: string): BackendHealthView {
    const s = this.state.get(name);
    return {
      healthy: this.isHealthy(name),
      lastError: s?.lastError ?? null,
      consecutiveFailures: s?.failures ?? 0,
    };
  }

  private entry(name: string): { failures: number; lastError: string | null; probeFailed: boolean } {
    let s = this.state.get(name);
    if (!s) {
      s = { failures: 0, lastError: null, probeFailed: false };
      this.state.set(name, s);
    }
    return s;
  }
}
