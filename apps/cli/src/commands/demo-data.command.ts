import { mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { DEMO_NOTICE, exportCanonicalJsonl, generateDemoLogs, toCanonicalJsonLine } from '@fusion/ingestion';
import { Output, type GlobalOptions } from '../cli-context';
import { parseInteger, parseNumber } from '../option-parsers';

export interface DemoDataFlags {
  out: string;
  seed: string;
  queries: string;
  testFraction: string;
}

/** `fusion demo-data`: write the seeded synthetic multi-LLM log as canonical JSONL. */
export async function runDemoData(flags: DemoDataFlags, globals: GlobalOptions): Promise<void> {
  const out = new Output(globals);
  const seed = parseInteger('--seed', flags.seed, { min: 0 });
  const queries = parseInteger('--queries', flags.queries, { min: 12, max: 100_000 });
  const testFraction = parseNumber('--test-fraction', flags.testFraction, {
    min: 0,
    max: 1,
    exclusive: true,
  });
  const demo = generateDemoLogs({ seed, queries, testFraction, tenant: globals.tenant });
  const summary = {
    synthetic: true,
    notice: DEMO_NOTICE,
    seed,
    queries: demo.queries,
    records: demo.records.length,
    tasks: demo.tasks,
    candidates: demo.candidates,
  };
  if (flags.out === '-') {
    // stdout carries the data; the summary goes to stderr.
    for (const r of demo.records) process.stdout.write(`${toCanonicalJsonLine(r)}\n`);
    out.note(`${demo.records.length} synthetic records (${DEMO_NOTICE})`);
    return;
  }
  const path = resolve(flags.out);
  await mkdir(dirname(path), { recursive: true });
  const written = await exportCanonicalJsonl(demo.records, path);
  out.result({ ...summary, path, records: written }, () =>
    [
      `wrote ${written} SYNTHETIC log records to ${path}`,
      `  ${demo.queries} queries x ${demo.candidates.length} candidates (${demo.candidates.length / 2} models x direct/think), ${demo.tasks.length} tasks, seed ${seed}`,
      `  ${DEMO_NOTICE}`,
      `  try: npx fusion bench --data ${flags.out} --out out/demo-bench`,
    ].join('\n'),
  );
}
