import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { embeddedStoreDir, Output, type GlobalOptions } from '../cli-context';
import { CliError, toCliError } from '../cli-error';
import { parseFormat, parseInteger } from '../option-parsers';
import { ProgressBar } from '@fusion/shared/console';
import { loadStartEmbedded, type EmbeddedStartOptions, type StartEmbedded } from '../remote/fusion-session';

export interface ServeFlags {
  host: string;
  port: string;
  httpPort: string;
  seed: string;
  format?: string;
  pipeline: boolean;
  inMemory?: boolean;
}

/** `--seed demo|none|<path>` to the embedded deployment's seed option. */
export function parseSeed(
  value: string,
  format: string | undefined,
): NonNullable<EmbeddedStartOptions['seed']> {
  if (value === 'demo') return { kind: 'demo' };
  if (value === 'none') return { kind: 'none' };
  const path = resolve(value);
  if (!existsSync(path))
    throw CliError.usage(
      `file not found: ${value}: --seed takes demo, none or a log file/directory that exists`,
    );
  const f = parseFormat(format);
  return { kind: 'path', path, ...(f !== 'auto' ? { format: f } : {}) };
}

/** `fusion serve`: run the embedded deployment (all services, one process) until Ctrl-C. */
export async function runServe(
  flags: ServeFlags,
  globals: GlobalOptions,
  start: StartEmbedded = loadStartEmbedded(),
  signals: NodeJS.EventEmitter = process,
): Promise<void> {
  const out = new Output(globals);
  const grpcPort = parseInteger('--port', flags.port, { min: 0, max: 65535 });
  const httpPort = parseInteger('--http-port', flags.httpPort, { min: 0, max: 65535 });
  const seed = parseSeed(flags.seed, flags.format);
  const bars = new Map<string, ProgressBar>();
  const storeDir = flags.inMemory ? undefined : embeddedStoreDir(globals.dataDir);
  const options: EmbeddedStartOptions = {
    ...(storeDir ? { dataDir: storeDir } : {}),
    host: flags.host,
    grpcPort,
    httpPort,
    seed,
    runPipeline: flags.pipeline,
    // Service logs go to stdout: only warnings by default (as `npm start`), so the addresses stay readable.
    logLevel: globals.verbose ? 'info' : 'warn',
    progress: (e) => {
      let bar = bars.get(e.phase);
      if (!bar) {
        bar = new ProgressBar({ label: e.phase, enabled: !globals.quiet });
        bars.set(e.phase, bar);
      }
      bar.update(e.done, e.total, e.message);
      if (e.total > 0 && e.done >= e.total) bar.finish();
    },
  };
  let handle;
  try {
    handle = await start(options);
  } catch (err) {
    throw toCliError(err);
  }
  for (const bar of bars.values()) bar.finish();
  out.result(
    { grpcAddress: handle.grpcAddress, httpUrl: handle.httpUrl, summary: handle.summary ?? null },
    () =>
      [
        `FusionFactory is running (embedded, ${storeDir ? `data in ${storeDir}` : 'in memory'})`,
        `  gRPC  ${handle.grpcAddress}   (use: npx fusion --address ${handle.grpcAddress} ...)`,
        `  HTTP  ${handle.httpUrl}`,
        'press Ctrl-C to stop',
      ].join('\n'),
  );
  await new Promise<void>((resolveWait) => {
    const stop = () => resolveWait();
    signals.once('SIGINT', stop);
    signals.once('SIGTERM', stop);
  });
  out.note('stopping FusionFactory...');
  await handle.close();
}
