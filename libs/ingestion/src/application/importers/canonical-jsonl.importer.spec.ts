import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CANONICAL_FIELDS } from '../../domain/canonical-format';
import { RejectionReason } from '../../domain/rejection-reason';
import { CanonicalJsonlImporter } from './canonical-jsonl.importer';
import { exportCanonicalJsonl } from './canonical-jsonl.exporter';
import { FusionBenchImporter } from './fusionbench.importer';
import { RouterBenchImporter } from './routerbench.importer';
import { collect, testContext } from './__fixtures__/import-context';
import { FUSIONBENCH_FIXTURE_DIR, ROUTERBENCH_DIR } from './__fixtures__/test-paths';

const tmp = (): string => mkdtempSync(join(tmpdir(), 'canonical-'));

describe('canonical JSONL export and import', () => {
  it('round-trips records from every source unchanged, and re-exports byte for byte', async () => {
    const fb = await collect(
      new FusionBenchImporter(),
      join(FUSIONBENCH_FIXTURE_DIR, 'fusionbench_train.csv'),
      testContext({ parseEmbeddings: true }),
    );
    const rb = await collect(new RouterBenchImporter(), join(ROUTERBENCH_DIR, 'mbpp_test.csv'));
    const records = [...fb.records, ...rb.records].map((r) => r.record);
    const dir = tmp();
    const first = join(dir, 'export.jsonl');
    expect(await exportCanonicalJsonl(records, first)).toBe(records.length);

    const again = await collect(
      new CanonicalJsonlImporter(),
      first,
      testContext({ clock: { now: () => new Date('2040-01-01T00:00:00Z') } }),
    );
    expect(again.rejected).toEqual([]);
    expect(again.records.map((r) => r.record)).toEqual(records);

    const second = join(dir, 'export-again.jsonl');
    await exportCanonicalJsonl(
      (async function* () {
        for (const r of again.records) yield r.record;
      })(),
      second,
    );
    expect(readFileSync(second, 'utf8') === readFileSync(first, 'utf8')).toBe(true);
  });

  it('writes snake_case fields in canonical order', async () => {
    const rb = await collect(new RouterBenchImporter(), join(ROUTERBENCH_DIR, 'winograde_test.csv'));
    const file = join(tmp(), 'one.jsonl');
    await exportCanonicalJsonl(
      rb.records.slice(0, 1).map((r) => r.record),
      file,
    );
    expect(Object.keys(JSON.parse(readFileSync(file, 'utf8').trim()) as object)).toEqual([
      ...CANONICAL_FIELDS,
    ]);
  });

  it('imports a minimal record with defaults', async () => {
    const file = join(tmp(), 'minimal.jsonl');
    writeFileSync(file, '{"query": "hi", "llm": "gpt-4-0314", "judge_score": 0.7}\n');
    const got = await collect(new CanonicalJsonlImporter(), file);
    expect(got.records[0]?.record).toMatchObject({
      query: 'hi',
      llm: 'gpt-4-0314',
      judgeScore: 0.7,
      tenant: 'default',
      taskDomain: 'general',
      promptMode: 'direct',
    });
  });

  it('rejects each bad line naming line and field, and imports the rest', async () => {
    const file = join(tmp(), 'bad.jsonl');
    const enc = new TextEncoder();
    const ok = (llm: string): string => JSON.stringify({ query: 'q', llm, performance: 0.5 });
    writeFileSync(
      file,
      new Uint8Array([
        ...enc.encode(
          [
            ok('a'),
            '',
            '{"query": "q", "llm": "b", "performance": }',
            '[1, 2]',
            JSON.stringify({ query: 'q', llm: 'c', performance: 0.5, input_tokens: -4 }),
            JSON.stringify({ query: 'q', llm: 'd', performance: 0.5, prompt_mode: 'chain' }),
            `{"query": "q", "llm": "e", "performance": 0.5, "response": "bad `,
          ].join('\n'),
        ),
        0xff,
        ...enc.encode(
          `"}\n${JSON.stringify({ query: 'q', llm: 'f', performance: 0.5, response: 'x'.repeat(3000) })}\n${ok('g')}\n{"query": "q", "llm": "h", "perf`,
        ),
      ]),
    );
    const got = await collect(
      new CanonicalJsonlImporter(),
      file,
      testContext({ limits: { maxLineBytes: 2000 } }),
    );
    expect(got.records.map((r) => [r.origin.line, r.record.llm])).toEqual([
      [1, 'a'],
      [9, 'g'],
    ]);
    expect(got.rejected.map((r) => [r.origin.line, r.reason, r.violations[0]?.field])).toEqual([
      [3, RejectionReason.MalformedJson, '(line)'],
      [4, RejectionReason.InvalidType, '(record)'],
      [5, RejectionReason.NegativeTokens, 'input_tokens'],
      [6, RejectionReason.UnknownPromptMode, 'prompt_mode'],
      [7, RejectionReason.InvalidUtf8, 'response'],
      [8, RejectionReason.FieldTooLarge, 'response'],
      [10, RejectionReason.Truncated, '(line)'],
    ]);
  });

  it('detects canonical files and leaves FusionBench JSONL to its importer', async () => {
    const dir = tmp();
    const canonical = join(dir, 'c.jsonl');
    writeFileSync(canonical, '{"record_id": "r1", "query": "q", "llm": "m", "performance": 1}\n');
    const importer = new CanonicalJsonlImporter();
    expect((await importer.detect(canonical))?.format).toBe('canonical');
    expect(await importer.detect(join(FUSIONBENCH_FIXTURE_DIR, 'fusionbench_train.jsonl'))).toBeNull();
    expect(await importer.detect(dir)).toBeNull();
    expect(await importer.detect(join(dir, 'missing.jsonl'))).toBeNull();
  });
});
