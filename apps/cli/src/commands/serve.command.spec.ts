import { EventEmitter } from 'node:events';
import { resolve } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { GlobalOptions } from '../cli-context';
import type { EmbeddedStartOptions } from '../remote/fusion-session';
import { parseSeed, runServe } from './serve.command';

const globals: GlobalOptions = {
  json: false,
  verbose: false,
  quiet: true,
  tenant: 'default',
  dataDir: 'tmp/serve-data',
};

afterEach(() => {
  vi.restoreAllMocks();
});

describe('fusion serve', () => {
  it('starts the embedded deployment with the flags, prints where it listens, and closes on SIGINT', async () => {
    const close = vi.fn(async () => undefined);
    let seen: EmbeddedStartOptions | undefined;
    const start = vi.fn(async (opts: EmbeddedStartOptions) => {
      seen = opts;
      return { grpcAddress: '127.0.0.1:50051', httpUrl: 'http://127.0.0.1:3000', summary: null, close };
    });
    const printed: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((t) => (printed.push(String(t)), true));
    const signals = new EventEmitter();
    const running = runServe(
      { host: '127.0.0.1', port: '50051', httpPort: '3000', seed: 'demo', pipeline: false },
      globals,
      start,
      signals,
    );
    await vi.waitFor(() => expect(printed.join('')).toContain('gRPC  127.0.0.1:50051'));
    expect(seen).toMatchObject({
      host: '127.0.0.1',
      grpcPort: 50051,
      httpPort: 3000,
      seed: { kind: 'demo' },
      runPipeline: false,
      // The layout of `npm start`: the PGlite store under <data-dir>/pglite.
      dataDir: resolve('tmp/serve-data/pglite'),
    });
    expect(close).not.toHaveBeenCalled();
    signals.emit('SIGINT');
    await running;
    expect(close).toHaveBeenCalledOnce();
  });

  it('reads --seed as demo, none or an existing path', () => {
    expect(parseSeed('none', undefined)).toEqual({ kind: 'none' });
    expect(parseSeed(__filename, 'jsonl')).toEqual({ kind: 'path', path: __filename, format: 'canonical' });
    expect(() => parseSeed('no/such/logs', undefined)).toThrow(/file not found: no\/such\/logs/);
  });
});
