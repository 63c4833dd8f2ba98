/** Progress of one long step of the embedded pipeline. */
export interface ProgressEvent {
  phase: string;
  done: number;
  total: number;
  message?: string;
}

export type SeedOption =
  { kind: 'demo' } | { kind: 'path'; path: string; format?: string } | { kind: 'none' };

/**
 * The embedded deployment: all five services' modules in one process (PGlite + in-process bus), with gRPC and
 * HTTP listening as in the distributed mode. Used by `npm start`, `fusion serve` and the CLI without --address.
 */
export interface EmbeddedOptions {
  /** PGlite data directory; in memory when unset. A directory makes restarts resume. */
  dataDir?: string;
  grpcPort?: number;
  httpPort?: number;
  host?: string;
  /** What to seed an empty store with: the synthetic demo logs, a path in any import format, or nothing. */
  seed?: SeedOption;
  /** Run the fusion pipeline (scoring, router training and promotion, templates, SFT dataset, benchmark). */
  runPipeline?: boolean;
  progress?: (event: ProgressEvent) => void;
  logLevel?: string;
  tenant?: string;
  /** Environment to read the services' settings from (default process.env). */
  env?: NodeJS.ProcessEnv;
}

/** One scenario of the start-up comparison, measured on the held-out queries. */
export interface ScenarioSummary {
  scenario: string;
  bestSingle: { candidate: string; performance: number; costUsd: number; reward: number };
  champion: { name: string; performance: number; costUsd: number; reward: number };
  oracle: { performance: number; costUsd: number; reward: number };
  /** Share of the best single model's cost the champion saves (negative: it spends more). */
  costSavedPct: number;
}

export interface PipelineSummary {
  tenant: string;
  records: number;
  seeded: 'demo' | 'path' | 'none' | 'existing';
  synthetic: boolean;
  champion: { routerId: string; version: number; kind: string } | null;
  trainedNow: boolean;
  testQueries: number;
  scenarios: ScenarioSummary[];
  templates: { count: number; summarizer: string } | null;
  dataset: { records: number; path: string } | null;
  /** A logged query (held-out when possible) for the "try it" commands: replay backends answer logged queries. */
  exampleQuery: string | null;
  /** How `execute` reaches models: `replay` (logged answers) or `configured` (FUSION_BACKENDS_FILE). */
  backends: string;
  notes: string[];
}

export interface EmbeddedHandle {
  grpcAddress: string;
  httpUrl: string;
  /** Present when runPipeline was set. */
  summary: PipelineSummary | null;
  close(): Promise<void>;
}
