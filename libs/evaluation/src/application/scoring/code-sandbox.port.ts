/** Per-run options for {@link CodeSandbox.run}. */
export interface SandboxRunOptions {
  /** Wall-clock budget for the program itself, in ms. Defaults to the adapter's (the paper uses 3 s). */
  timeoutMs?: number;
}

/** How one untrusted program ended. A program that misbehaves is a result (`passed: false`), never a throw. */
export interface SandboxRunResult {
  /** True only when the program ran to its end without raising (every assert held). */
  passed: boolean;
  /** `passed`, or why it failed: the exception, the limit it hit, or how it was killed. */
  reason: string;
  /** Exit status of the sandbox; null when it was killed from outside. */
  exitCode: number | null;
  /** Signal that ended the program (e.g. `SIGKILL`, `SIGXCPU`), if any. */
  signal: string | null;
  /** True when the wall-clock deadline expired (the program's own deadline or the hard kill). */
  timedOut: boolean;
  stdoutTail: string;
  stderrTail: string;
  durationMs: number;
}

/**
 * Runs LLM-written Python in isolation and says whether it completed. Implementations must never run the
 * program in-process and must contain it (no network, no writes outside a private scratch dir, CPU, memory,
 * process and file-size limits, a wall-clock timeout). Infrastructure failures (sandbox missing or unable to
 * start) throw a DomainError; they are not a score of 0.
 */
export interface CodeSandbox {
  run(program: string, opts?: SandboxRunOptions): Promise<SandboxRunResult>;
}
