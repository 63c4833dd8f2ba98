import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { DomainError, ErrorCode } from '@fusion/shared/kernel';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { describe, expect, it } from 'vitest';
import { ImporterRegistry } from './importer-registry';
import { ARENA_DIR, FUSIONBENCH_FIXTURE_DIR, ROUTERBENCH_DIR } from './__fixtures__/test-paths';

const registry = new ImporterRegistry();
const tmp = (): string => mkdtempSync(join(tmpdir(), 'registry-'));

async function domainError(p: Promise<unknown>): Promise<DomainError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof DomainError) return e;
    throw e;
  }
  throw new Error('expected a DomainError');
}

describe('ImporterRegistry', () => {
  it('detects each format from a file', async () => {
    expect((await registry.detect(join(ROUTERBENCH_DIR, 'mbpp_train.csv')))?.format).toBe('routerbench');
    expect((await registry.detect(join(FUSIONBENCH_FIXTURE_DIR, 'fusionbench_train.csv')))?.format).toBe(
      'fusionbench',
    );
    expect((await registry.detect(join(FUSIONBENCH_FIXTURE_DIR, 'fusionbench_train.jsonl')))?.format).toBe(
      'fusionbench',
    );
    const dir = tmp();
    writeFileSync(join(dir, 'logs.jsonl'), '{"query":"q","llm":"m","judge_score":0.5}\n');
    expect((await registry.detect(join(dir, 'logs.jsonl')))?.format).toBe('canonical');
    const pq = join(dir, 'fb.parquet');
    writeFileSync(
      pq,
      new Uint8Array(
        parquetWriteBuffer({
          columnData: [
            { name: 'query', type: 'STRING', data: ['q'] },
            { name: 'llm', type: 'STRING', data: ['m'] },
            { name: 'input_tokens_num', type: 'INT32', data: [1] },
          ],
        }),
      ),
    );
    expect((await registry.detect(pq))?.format).toBe('fusionbench');
    expect(await registry.detect(join(ROUTERBENCH_DIR, 'SOURCE.md'))).toBeNull();
  });

  it('detects a FastChat root, also one level up', async () => {
    expect((await registry.detect(ARENA_DIR))?.format).toBe('fastchat');
    expect((await registry.detect(join(ARENA_DIR, 'arena-bench-v1')))?.format).toBe('fastchat');
  });

  it('plans a directory of RouterBench CSVs, skipping other files', async () => {
    const plan = await registry.plan(ROUTERBENCH_DIR);
    expect(plan.format).toBe('routerbench');
    expect(plan.entries.map((e) => basename(e.path))).toEqual([
      'arc_challenge_test.csv',
      'arc_challenge_train.csv',
      'mbpp_test.csv',
      'mbpp_train.csv',
      'winograde_test.csv',
      'winograde_train.csv',
    ]);
    expect(plan.skipped).toEqual([
      { path: join(ROUTERBENCH_DIR, 'SOURCE.md'), reason: 'format not recognised' },
    ]);
  });

  it('plans a folder of FusionBench files, and a mixed folder', async () => {
    const fb = await registry.plan(FUSIONBENCH_FIXTURE_DIR);
    expect(fb.format).toBe('fusionbench');
    expect(fb.entries).toHaveLength(2);
    expect(fb.skipped.map((s) => basename(s.path))).toEqual(['make_fixture.py']);

    const dir = tmp();
    copyFileSync(join(FUSIONBENCH_FIXTURE_DIR, 'fusionbench_train.jsonl'), join(dir, 'a.jsonl'));
    writeFileSync(join(dir, 'b.jsonl'), '{"query":"q","llm":"m","performance":1}\n');
    const mixed = await registry.plan(dir);
    expect(mixed.format).toBe('mixed');
    expect(mixed.entries.map((e) => e.importer.format)).toEqual(['fusionbench', 'canonical']);
  });

  it('uses a named format on a file even if detection disagrees, and filters a directory by it', async () => {
    const plan = await registry.plan(join(ROUTERBENCH_DIR, 'SOURCE.md'), 'canonical');
    expect(plan.entries[0]).toMatchObject({ detection: null });
    expect(plan.entries[0]?.importer.format).toBe('canonical');
    const dir = await registry.plan(FUSIONBENCH_FIXTURE_DIR, 'routerbench').catch((e: unknown) => e);
    expect(dir).toBeInstanceOf(DomainError);
  });

  it('names the problem when it cannot plan', async () => {
    const missing = await domainError(registry.plan('/no/such/path'));
    expect([missing.code, missing.violations[0]?.field]).toEqual([ErrorCode.InvalidArgument, 'path']);
    const unknown = await domainError(registry.plan(ROUTERBENCH_DIR, 'xml' as never));
    expect(unknown.violations[0]?.field).toBe('format');
    const undetected = await domainError(registry.plan(join(ROUTERBENCH_DIR, 'SOURCE.md')));
    expect(undetected.violations[0]).toMatchObject({
      field: 'format',
      reason: expect.stringContaining('SOURCE.md'),
    });
    const empty = await domainError(registry.plan(tmp()));
    expect(empty.violations[0]?.field).toBe('path');
  });
});
