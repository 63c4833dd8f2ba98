/**
 * The embedded deployment: all five services' modules in one process (PGlite + in-process bus), with gRPC and
 * HTTP listening as in the distributed mode. Used by `npm start`, `fusion serve` and the CLI when no --address
 * is given. (Being written by the lead; this signature is the contract.)
 */
export interface EmbeddedOptions {
  /** PGlite data directory; in memory when unset. A directory makes restarts resume. */
  dataDir?: string;
  grpcPort?: number;
  httpPort?: number;
  host?: string;
  /** What to seed an empty store with: the synthetic demo logs, a path in any import format, or nothing. */
  seed?: { kind: 'demo' } | { kind: 'path'; path: string; format?: string } | { kind: 'none' };
  /** Run the fusion pipeline (scoring, router training and promotion) after seeding. */
  runPipeline?: boolean;
  /** Progress lines and bars go here (default: stderr when a TTY, silent otherwise). */
  progress?: (event: { phase: string; done: number; total: number; message?: string }) => void;
  logLevel?: string;
}

export interface EmbeddedHandle {
  grpcAddress: string;
  httpUrl: string;
  /** Summary of the pipeline run (present when runPipeline was set). */
  summary: unknown;
  close(): Promise<void>;
}

export async function startEmbedded(_opts: EmbeddedOptions = {}): Promise<EmbeddedHandle> {
  throw new Error('startEmbedded: not implemented yet');
}
