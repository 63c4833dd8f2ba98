/** What the routing use cases report (Prometheus in production, nothing in pure tests). */
export interface RoutingMetrics {
  decided(info: {
    routerId: string;
    candidate: string;
    fallbackToBestSingle: boolean;
    seconds: number;
  }): void;
  shadow(info: { agreed: boolean }): void;
  attempt(info: { backend: string; candidate: string; ok: boolean; seconds: number }): void;
  executed(info: { candidate: string | null; costUsd: number; fallbacks: number; ok: boolean }): void;
  trained(info: {
    trigger: string;
    outcome: 'promoted' | 'rejected' | 'registered' | 'challenger' | 'failed';
    seconds: number;
  }): void;
}

export const noRoutingMetrics: RoutingMetrics = {
  decided: () => undefined,
  shadow: () => undefined,
  attempt: () => undefined,
  executed: () => undefined,
  trained: () => undefined,
};

/** The structured logger the use cases write to (pino's shape). */
export interface RoutingLogger {
  info(obj: Record<string, unknown>, msg: string): void;
  warn(obj: Record<string, unknown>, msg: string): void;
  error(obj: Record<string, unknown>, msg: string): void;
}

export const silentRoutingLogger: RoutingLogger = {
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};
