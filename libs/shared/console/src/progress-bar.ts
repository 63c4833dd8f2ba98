/** Where progress goes: stderr in the CLI, a buffer in tests. */
export interface ProgressSink {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface ProgressBarOptions {
  label: string;
  sink?: ProgressSink;
  /** Overrides the sink's own TTY flag. */
  tty?: boolean;
  /** Off: nothing is written (e.g. --quiet). */
  enabled?: boolean;
  /** Least time between two plain lines when not on a TTY (default 5 s); the first waits this long too. */
  lineIntervalMs?: number;
  /** Least time between two redraws on a TTY (default 100 ms). */
  redrawIntervalMs?: number;
  now?: () => number;
}

const WIDTH = 24;

/**
 * A progress bar on stderr. On a TTY it redraws one line in place; otherwise (CI, pipes, logs) it writes a plain
 * line at most every `lineIntervalMs`, so a short job prints nothing and a long one a few lines.
 */
export class ProgressBar {
  private readonly sink: ProgressSink;
  private readonly tty: boolean;
  private readonly enabled: boolean;
  private readonly lineIntervalMs: number;
  private readonly redrawIntervalMs: number;
  private readonly now: () => number;
  private readonly started: number;
  private lastWrite: number;
  private drawn = false;
  private finished = false;

  constructor(private readonly options: ProgressBarOptions) {
    this.sink = options.sink ?? process.stderr;
    this.tty = options.tty ?? this.sink.isTTY === true;
    this.enabled = options.enabled ?? true;
    this.lineIntervalMs = options.lineIntervalMs ?? 5000;
    this.redrawIntervalMs = options.redrawIntervalMs ?? 100;
    this.now = options.now ?? Date.now;
    this.started = this.now();
    this.lastWrite = this.tty ? -Infinity : this.started;
  }

  /** Reports `done` of `total` (total 0 or unknown: a count without a bar). */
  update(done: number, total: number, message = ''): void {
    if (!this.enabled || this.finished) return;
    const t = this.now();
    if (t - this.lastWrite < (this.tty ? this.redrawIntervalMs : this.lineIntervalMs)) return;
    this.lastWrite = t;
    this.draw(this.render(done, total, message));
  }

  /** Ends the bar: a final line on a TTY; on other streams only when lines were written or a summary is given. */
  finish(message?: string): void {
    if (!this.enabled || this.finished) return;
    this.finished = true;
    if (this.tty) {
      if (this.drawn || message) this.draw(`${this.options.label}: ${message ?? 'done'} (${this.elapsed()})`);
      if (this.drawn) this.sink.write('\n');
    } else if (this.drawn || message) {
      this.sink.write(`${this.options.label}: ${message ?? 'done'} (${this.elapsed()})\n`);
    }
  }

  private render(done: number, total: number, message: string): string {
    const tail = message ? ` ${message}` : '';
    if (!(total > 0)) return `${this.options.label}: ${done}${tail} (${this.elapsed()})`;
    const ratio = Math.min(1, Math.max(0, done / total));
    const pct = `${Math.floor(ratio * 100)}%`.padStart(4);
    if (!this.tty) return `${this.options.label}: ${pct} (${done}/${total})${tail} (${this.elapsed()})`;
    const fill = Math.round(ratio * WIDTH);
    return `${this.options.label} [${'#'.repeat(fill)}${'-'.repeat(WIDTH - fill)}] ${pct} ${done}/${total}${tail}`;
  }

  private draw(line: string): void {
    this.drawn = true;
    if (!this.tty) {
      this.sink.write(`${line}\n`);
      return;
    }
    const columns = this.sink.columns ?? 100;
    const clipped = line.length >= columns ? `${line.slice(0, Math.max(0, columns - 2))}…` : line;
    this.sink.write(`\r\u001b[2K${clipped}`);
  }

  private elapsed(): string {
    const s = (this.now() - this.started) / 1000;
    return s < 60
      ? `${s.toFixed(1)}s`
      : `${Math.floor(s / 60)}m${String(Math.round(s % 60)).padStart(2, '0')}s`;
  }
}
