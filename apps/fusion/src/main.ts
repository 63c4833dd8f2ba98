import './instrumentation';
import 'reflect-metadata';
import { resolve } from 'node:path';
import { existsSync } from 'node:fs';
import { renderPipelineSummary, startEmbedded, type SeedOption } from '@fusion/composition';
import { ConfigError } from '@fusion/shared/config';
import { ProgressBar } from '@fusion/shared/console';
import { stopTelemetry } from '@fusion/shared/telemetry';

/**
 * `npm start`: the whole platform in one process on the embedded default (PGlite + in-process bus, no Kafka, no
 * Postgres, no GPU). Seeds an empty store (synthetic demo logs, or FUSION_DATA=<path>), runs the fusion pipeline,
 * prints best single model vs champion router, then serves gRPC and HTTP until Ctrl-C.
 * FUSION_DATA_DIR (default .fusion-data; `memory` for none) makes restarts resume.
 */
async function main(): Promise<void> {
  const env = process.env;
  const dataDirSetting = env['FUSION_DATA_DIR'] ?? '.fusion-data';
  const dataDir = dataDirSetting === 'memory' ? undefined : resolve(dataDirSetting, 'pglite');
  let seed: SeedOption = { kind: 'demo' };
  if (env['FUSION_DATA']) {
    const path = resolve(env['FUSION_DATA']);
    if (!existsSync(path))
      fail(`FUSION_DATA=${env['FUSION_DATA']}: no such file or directory; point it at a log file or folder`);
    seed = {
      kind: 'path',
      path,
      ...(env['FUSION_DATA_FORMAT'] ? { format: env['FUSION_DATA_FORMAT'] } : {}),
    };
  }
  const grpcPort = Number(env['GRPC_PORT'] ?? 50051);
  const httpPort = Number(env['HTTP_PORT'] ?? 8080);
  const host = env['FUSION_HOST'] ?? '127.0.0.1';
  const started = Date.now();
  process.stderr.write(
    `FusionFactory: starting the embedded deployment (all five services in one process; data ${dataDir ?? 'in memory'})\n`,
  );
  const bars = new Map<string, ProgressBar>();
  const handle = await startEmbedded({
    ...(dataDir ? { dataDir } : {}),
    host,
    grpcPort,
    httpPort,
    seed,
    runPipeline: true,
    logLevel: env['LOG_LEVEL'] ?? 'warn',
    progress: (e) => {
      let bar = bars.get(e.phase);
      if (!bar) {
        for (const [phase, other] of bars) if (phase !== e.phase) other.finish();
        bar = new ProgressBar({ label: e.phase, lineIntervalMs: 2000 });
        bars.set(e.phase, bar);
      }
      if (e.total > 0 && e.done >= e.total)
        bar.finish(`${e.done}/${e.total}${e.message ? ` ${e.message}` : ''}`);
      else bar.update(e.done, e.total, e.message ?? '');
    },
  });
  for (const bar of bars.values()) bar.finish();
  if (handle.summary) process.stdout.write(`\n${renderPipelineSummary(handle.summary)}\n`);
  const grpc = handle.grpcAddress;
  const http = handle.httpUrl;
  const q = handle.summary?.exampleQuery ?? 'What is 17 * 23?';
  const replay =
    handle.summary?.backends === 'replay'
      ? '  (execute uses the replay backend: it answers logged queries with the logged responses; set FUSION_BACKENDS_FILE for real models)'
      : '';
  process.stdout.write(
    [
      '',
      'Try it:',
      `  grpcurl -plaintext -d '{"query": "${q}", "policy": {"scenario": "balance"}, "mode": "MODE_DECIDE"}' ${grpc} fusion.routing.v1.RoutingService/RouteQuery`,
      `  curl -s ${http}/v1/chat/completions -H 'Content-Type: application/json' -d '{"model": "fusion/auto", "messages": [{"role": "user", "content": "${q}"}]}'`,
      `  npx fusion route --address ${grpc} --execute "${q}"`,
      ...(replay ? [replay] : []),
      '',
      `FusionFactory serving: gRPC ${grpc}, HTTP ${http} (ready in ${((Date.now() - started) / 1000).toFixed(1)} s; Ctrl-C to stop)`,
      '',
    ].join('\n'),
  );
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`\n${signal}: shutting down\n`);
    void handle
      .close()
      .then(() => stopTelemetry())
      .then(
        () => {
          process.stderr.write('FusionFactory stopped cleanly\n');
          process.exit(0);
        },
        (err: unknown) => {
          process.stderr.write(`shutdown failed: ${(err as Error).message}\n`);
          process.exit(1);
        },
      );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

function fail(message: string): never {
  process.stderr.write(`fusion: ${message}\n`);
  process.exit(2);
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError) fail(err.message);
  process.stderr.write(`fusion: failed to start: ${(err as Error).message}\n`);
  if (process.env['FUSION_VERBOSE']) process.stderr.write(`${(err as Error).stack ?? ''}\n`);
  process.exit(1);
});
