import { createServer, type Server } from 'node:net';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectOneLineError, runFusion, SHARED_DATA } from './run-fusion';

let tmp: string;
let noSplit: string;
let deadAddress: string;

/** A port that was just free: nothing listens there. */
async function deadPort(): Promise<number> {
  const srv: Server = createServer();
  await new Promise<void>((res) => srv.listen(0, '127.0.0.1', () => res()));
  const addr = srv.address();
  const port = typeof addr === 'object' && addr ? addr.port : 1;
  await new Promise<void>((res) => srv.close(() => res()));
  return port;
}

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'fusion-cli-errors-'));
  noSplit = join(tmp, 'no-split.jsonl');
  // Canonical JSONL without a split: benchmarking it needs --seed or --train/--test.
  const lines = [];
  for (let q = 0; q < 6; q++)
    for (const llm of ['model-a', 'model-b'])
      lines.push(
        JSON.stringify({
          task_name: 'demo_task',
          query: `question ${q}`,
          llm,
          performance: (q % 2) * 1,
          cost_usd: 0.001,
        }),
      );
  await writeFile(noSplit, `${lines.join('\n')}\n`);
  deadAddress = `127.0.0.1:${await deadPort()}`;
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('fusion errors: one line naming problem and fix, exit code, no stack trace', () => {
  it('unknown format lists the valid ones (exit 2)', async () => {
    const run = await runFusion(['bench', '--data', noSplit, '--format', 'parquetish']);
    expect(run.code).toBe(2);
    const line = expectOneLineError(run);
    expect(line).toContain("unknown format 'parquetish'");
    expect(line).toContain('auto|fusionbench|routerbench|fastchat|jsonl');
  });

  it('missing file names the path (exit 2), for bench and import', async () => {
    const bench = await runFusion(['bench', '--data', 'no/such/logs.csv']);
    expect(bench.code).toBe(2);
    expect(expectOneLineError(bench)).toMatch(/file not found: no\/such\/logs\.csv .*check the --data path/);
    const imp = await runFusion(['import', 'no/such/logs.csv', '--dry-run']);
    expect(imp.code).toBe(2);
    expect(expectOneLineError(imp)).toContain('file not found: no/such/logs.csv');
  });

  it('no test split says how to get one (exit 2)', async () => {
    const run = await runFusion(['bench', '--data', noSplit]);
    expect(run.code).toBe(2);
    const line = expectOneLineError(run);
    expect(line).toContain('no test split');
    expect(line).toContain('--seed');
    expect(line).toContain('--train <file> --test <file>');

    const onlyTrain = await runFusion(['bench', '--train', noSplit]);
    expect(onlyTrain.code).toBe(2);
    expect(expectOneLineError(onlyTrain)).toContain('--train needs --test');
  });

  it('the same data benchmarks once a seeded split is asked for', async () => {
    const run = await runFusion([
      'bench',
      '--data',
      noSplit,
      '--seed',
      '1',
      '--routers',
      'cheapest',
      '--out',
      join(tmp, 'seeded'),
      '--json',
      '-q',
    ]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
  });

  it('server unreachable names the address and how to start one (exit 3)', async () => {
    for (const args of [
      ['--address', deadAddress, 'routers', 'list'],
      ['route', 'What is 2+2?', '--address', deadAddress],
      ['import', resolve(SHARED_DATA, 'routerbench-routerdc/mbpp_test.csv')],
    ]) {
      const run = await runFusion(args, {
        env: args.includes('--address') ? {} : { FUSION_ADDRESS: deadAddress },
      });
      expect(run.code, args.join(' ')).toBe(3);
      const line = expectOneLineError(run);
      expect(line).toContain(`cannot reach FusionFactory at ${deadAddress}`);
      expect(line).toContain('npm start');
      expect(line).toContain('--address');
    }
  });

  it('usage errors: unknown option, bad address, bad number, unknown router kind or scenario (exit 2)', async () => {
    const cases: [string[], RegExp][] = [
      [['bench', '--bogus'], /unknown option '--bogus'/],
      [['--address', 'not-an-address', 'routers', 'list'], /bad --address 'not-an-address'.*host:port/],
      [['demo-data', '--queries', 'many'], /bad --queries 'many': use a whole number/],
      [['bench', '--data', noSplit, '--routers', 'magic'], /unknown router kind 'magic'.*knn/],
      [['bench', '--data', noSplit, '--scenario', 'cheap'], /unknown scenario 'cheap'.*balance/],
      [['route', 'q', '--scenario', 'balance', '--alpha', '1'], /--alpha\/--beta set a custom policy/],
      [['serve', '--seed', 'no/such/dir'], /file not found: no\/such\/dir/],
    ];
    for (const [args, pattern] of cases) {
      const run = await runFusion(args);
      expect(run.code, args.join(' ')).toBe(2);
      expect(expectOneLineError(run)).toMatch(pattern);
    }
  });

  it('--verbose adds the stack trace; --json makes the error a JSON line', async () => {
    const verbose = await runFusion(['--verbose', '--address', deadAddress, 'routers', 'list']);
    expect(verbose.code).toBe(3);
    expect(verbose.stderr.split('\n')[0]).toContain('cannot reach FusionFactory');
    expect(verbose.stderr).toMatch(/\n\s+at /);
    const json = await runFusion(['--json', 'bench', '--data', noSplit]);
    expect(json.code).toBe(2);
    const parsed = JSON.parse(json.stderr.trim()) as { error: { message: string; exit_code: number } };
    expect(parsed.error.exit_code).toBe(2);
    expect(parsed.error.message).toContain('no test split');
  });
});
