import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LogRecord } from '@fusion/contracts';
import { DomainError, ErrorCode, FixedClock } from '@fusion/shared/kernel';
import { describe, expect, it } from 'vitest';
import type { LogSink, LogSinkResult } from '../ports/log-sink.port';
import { FUSIONBENCH_FIXTURE_DIR } from '../importers/__fixtures__/test-paths';
import type { ImportProgress } from './import-logs.command';
import { importLogs } from './import-logs.handler';

/** An in-memory sink that stores by record id and can refuse chosen records. */
class MemorySink implements LogSink {
  readonly stored = new Map<string, LogRecord>();
  readonly batches: number[] = [];
  constructor(private readonly refuse: (r: LogRecord) => string | null = () => null) {}
  async accept(records: LogRecord[]): Promise<LogSinkResult> {
    this.batches.push(records.length);
    const result: LogSinkResult = { accepted: 0, duplicates: 0, rejected: [] };
    for (const r of records) {
      const reason = this.refuse(r);
      if (reason) result.rejected.push({ recordId: r.recordId, reason });
      else if (this.stored.has(r.recordId)) result.duplicates++;
      else {
        this.stored.set(r.recordId, r);
        result.accepted++;
      }
    }
    return result;
  }
}

const FB_CSV = join(FUSIONBENCH_FIXTURE_DIR, 'fusionbench_train.csv');
const line = (o: Record<string, unknown>): string => JSON.stringify({ query: 'q', performance: 0.5, ...o });

function canonicalFile(lines: string[]): string {
  const file = join(mkdtempSync(join(tmpdir(), 'import-logs-')), 'logs.jsonl');
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

describe('importLogs', () => {
  it('streams records into the sink in batches and reports the counts', async () => {
    const sink = new MemorySink();
    const progress: ImportProgress[] = [];
    const report = await importLogs(
      { path: FB_CSV, batchSize: 50, onProgress: (p) => progress.push(p) },
      { sink },
    );
    expect(sink.batches).toEqual([50, 50, 20]);
    expect(sink.stored.size).toBe(120);
    expect(report).toMatchObject({
      format: 'fusionbench',
      dryRun: false,
      rowsRead: 120,
      accepted: 120,
      duplicates: 0,
      rejected: 0,
    });
    expect(progress.map((p) => p.accepted)).toEqual([50, 100, 120, 120]);
    expect(progress.at(-1)).toMatchObject({ rowsRead: 120, file: FB_CSV });
  });

  it('counts a re-import as duplicates (idempotent sink)', async () => {
    const sink = new MemorySink();
    await importLogs({ path: FB_CSV }, { sink });
    const again = await importLogs({ path: FB_CSV }, { sink });
    expect(again).toMatchObject({ accepted: 0, duplicates: 120 });
  });

  it('counts a record id seen twice in one import as a duplicate, before the sink', async () => {
    const sink = new MemorySink();
    const file = canonicalFile([
      line({ llm: 'a' }),
      line({ llm: 'b' }),
      line({ llm: 'a' }),
      line({ llm: 'a', record_id: 'given' }),
      line({ llm: 'c', record_id: 'given' }),
    ]);
    const report = await importLogs({ path: file }, { sink });
    expect(report).toMatchObject({ rowsRead: 5, accepted: 3, duplicates: 2, rejected: 0 });
    expect(sink.stored.size).toBe(3);
  });

  it('validates and counts without a sink in a dry run', async () => {
    const file = canonicalFile([
      line({ llm: 'a' }),
      line({ llm: 'b', performance: 2 }),
      '{broken',
      line({ llm: 'a' }),
    ]);
    const report = await importLogs({ path: file, dryRun: true });
    expect(report).toMatchObject({
      dryRun: true,
      rowsRead: 4,
      accepted: 1,
      duplicates: 1,
      rejected: 2,
      rejectedByReason: { out_of_range: 1, malformed_json: 1 },
    });
    expect(report.rejectionSamples.map((s) => [s.origin.line, s.violations[0]?.field])).toEqual([
      [2, 'performance'],
      [3, '(line)'],
    ]);
  });

  it('counts records the sink refuses under its reason, with their origin', async () => {
    const sink = new MemorySink((r) => (r.llm === 'deepseek-r1' ? 'quota_exceeded' : null));
    const report = await importLogs({ path: FB_CSV }, { sink });
    expect(report).toMatchObject({ accepted: 114, rejected: 6, rejectedByReason: { quota_exceeded: 6 } });
    expect(report.rejectionSamples[0]).toMatchObject({
      reason: 'quota_exceeded',
      origin: { file: FB_CSV, row: 35 },
      violations: [{ code: 'refused_by_store' }],
    });
  });

  it('applies the import tenant and rejects records of another tenant', async () => {
    const sink = new MemorySink();
    const file = canonicalFile([
      line({ llm: 'a' }),
      line({ llm: 'b', tenant: 'acme' }),
      line({ llm: 'c', tenant: 'other' }),
    ]);
    const report = await importLogs({ path: file, tenant: 'acme' }, { sink });
    expect(report).toMatchObject({ accepted: 2, rejected: 1, rejectedByReason: { invalid_value: 1 } });
    expect([...sink.stored.values()].map((r) => r.tenant)).toEqual(['acme', 'acme']);
  });

  it('caps rejection samples but counts every rejection', async () => {
    const file = canonicalFile(Array.from({ length: 30 }, (_, i) => line({ llm: `m${i}`, performance: -1 })));
    const report = await importLogs({ path: file, dryRun: true, maxRejectionSamples: 5 });
    expect(report.rejected).toBe(30);
    expect(report.rejectionSamples).toHaveLength(5);
  });

  it('refuses input over the size limit, naming it', async () => {
    const err = await importLogs({ path: FB_CSV, dryRun: true, maxInputBytes: 1000 }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(DomainError);
    expect((err as DomainError).code).toBe(ErrorCode.ResourceExhausted);
    expect((err as DomainError).violations[0]?.field).toBe('path');
    expect((err as DomainError).message).toMatch(/over the limit of 1000/);
  });

  it('requires a sink unless dry-running, and a sane batch size', async () => {
    await expect(importLogs({ path: FB_CSV })).rejects.toMatchObject({
      code: ErrorCode.InvalidArgument,
      violations: [{ field: 'sink' }],
    });
    await expect(importLogs({ path: FB_CSV, dryRun: true, batchSize: 0 })).rejects.toMatchObject({
      violations: [{ field: 'batchSize' }],
    });
  });

  it('reports a failing sink as UNAVAILABLE with the counts so far', async () => {
    let calls = 0;
    const sink: LogSink = {
      accept: async (records) => {
        calls++;
        if (calls === 2) throw new Error('connection reset');
        return { accepted: records.length, duplicates: 0, rejected: [] };
      },
    };
    const err = (await importLogs({ path: FB_CSV, batchSize: 40 }, { sink }).catch(
      (e: unknown) => e,
    )) as DomainError;
    expect(err.code).toBe(ErrorCode.Unavailable);
    expect(err.message).toMatch(/connection reset/);
    expect(err.details['partialReport']).toMatchObject({ accepted: 40 });
  });

  it('measures duration with the clock', async () => {
    const clock = new FixedClock(new Date('2026-01-01T00:00:00Z'));
    const report = await importLogs(
      { path: FB_CSV, dryRun: true, onProgress: () => clock.advance(10) },
      { clock },
    );
    expect(report.durationMs).toBe(10);
  });
});
