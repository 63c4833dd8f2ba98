import { resolve } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import type { GlobalOptions } from '../cli-context';
import { withSession, type EmbeddedStartOptions } from './fusion-session';

const globals = (dataDir: string): GlobalOptions => ({
  json: false,
  verbose: false,
  quiet: true,
  tenant: 'default',
  dataDir,
});

function fakeStart() {
  const close = vi.fn(async () => undefined);
  const seen: EmbeddedStartOptions[] = [];
  const start = vi.fn(async (opts: EmbeddedStartOptions) => {
    seen.push(opts);
    return { grpcAddress: '127.0.0.1:1', httpUrl: 'http://127.0.0.1:2', summary: null, close };
  });
  return { start, close, seen };
}

describe('openSession without --address', () => {
  it('starts the embedded deployment on the store `npm start` uses (<data-dir>/pglite), unseeded, and closes it', async () => {
    const { start, close, seen } = fakeStart();
    const notes: string[] = [];
    const got = await withSession(globals('.fusion-data'), async (s) => [s.embedded, s.address], {
      startEmbedded: start,
      probeLocal: false,
      note: (t) => notes.push(t),
    });
    expect(got).toEqual([true, '127.0.0.1:1']);
    expect(seen[0]).toMatchObject({
      dataDir: resolve('.fusion-data', 'pglite'),
      host: '127.0.0.1',
      seed: { kind: 'none' },
      runPipeline: false,
    });
    expect(notes.join('\n')).toContain(`data in ${resolve('.fusion-data', 'pglite')}`);
    expect(close).toHaveBeenCalledOnce();
  });

  it('--data-dir memory keeps nothing on disk (as FUSION_DATA_DIR=memory for `npm start`)', async () => {
    const { start, seen } = fakeStart();
    await withSession(globals('memory'), async () => undefined, { startEmbedded: start, probeLocal: false });
    expect(seen[0]?.dataDir).toBeUndefined();
  });

  it('closes the embedded deployment when the command fails', async () => {
    const { start, close } = fakeStart();
    await expect(
      withSession(globals('/tmp/x'), async () => Promise.reject(new Error('boom')), {
        startEmbedded: start,
        probeLocal: false,
      }),
    ).rejects.toThrow('boom');
    expect(close).toHaveBeenCalledOnce();
  });
});
