import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** One Prometheus registry per process, served at HTTP `/metrics`. */
export const metricsRegistry = new Registry();
let defaultsCollected = false;

export function enableDefaultMetrics(service: string): void {
  if (defaultsCollected) return;
  defaultsCollected = true;
  metricsRegistry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: metricsRegistry, prefix: 'fusion_process_' });
}

const counters = new Map<string, Counter<string>>();
const histograms = new Map<string, Histogram<string>>();
const gauges = new Map<string, Gauge<string>>();

/** Get-or-create helpers: adapters declare metrics where they use them without double registration. */
export function counter(name: string, help: string, labelNames: readonly string[] = []): Counter<string> {
  let c = counters.get(name);
  if (!c) {
    c = new Counter({ name, help, labelNames: [...labelNames], registers: [metricsRegistry] });
    counters.set(name, c);
  }
  return c;
}

export function histogram(
  name: string,
  help: string,
  labelNames: readonly string[] = [],
  buckets: number[] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
): Histogram<string> {
  let h = histograms.get(name);
  if (!h) {
    h = new Histogram({ name, help, labelNames: [...labelNames], buckets, registers: [metricsRegistry] });
    histograms.set(name, h);
  }
  return h;
}

export function gauge(name: string, help: string, labelNames: readonly string[] = []): Gauge<string> {
  let g = gauges.get(name);
  if (!g) {
    g = new Gauge({ name, help, labelNames: [...labelNames], registers: [metricsRegistry] });
    gauges.set(name, g);
  }
  return g;
}
