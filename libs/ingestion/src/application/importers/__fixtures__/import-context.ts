import { FixedClock } from '@fusion/shared/kernel';
import { resolveLimits, type IngestionLimits } from '../../../domain/ingestion-limits';
import { LogRecordValidator } from '../../../domain/log-record.validator';
import { defaultPriceTable } from '../../../domain/price-table';
import type {
  AcceptedItem,
  ImportContext,
  ImportItem,
  LogImporter,
  NoticeItem,
  RejectedItem,
} from '../log-importer.port';

/** A context with a fixed clock, for importer tests. */
export function testContext(
  overrides: Partial<Omit<ImportContext, 'limits'>> & { limits?: Partial<IngestionLimits> } = {},
): ImportContext {
  const clock = overrides.clock ?? new FixedClock(new Date('2026-02-01T00:00:00Z'));
  const { limits, ...rest } = overrides;
  return {
    validator: new LogRecordValidator({ clock }),
    prices: defaultPriceTable,
    clock,
    ...rest,
    limits: resolveLimits(limits),
  };
}

export interface Collected {
  items: ImportItem[];
  records: AcceptedItem[];
  rejected: RejectedItem[];
  notices: NoticeItem[];
}

export async function collect(
  importer: LogImporter,
  path: string,
  ctx: ImportContext = testContext(),
): Promise<Collected> {
  const items: ImportItem[] = [];
  for await (const item of importer.read(path, ctx)) items.push(item);
  return {
    items,
    records: items.filter((i): i is AcceptedItem => i.kind === 'record'),
    rejected: items.filter((i): i is RejectedItem => i.kind === 'rejected'),
    notices: items.filter((i): i is NoticeItem => i.kind === 'notice'),
  };
}

export function countBy<T>(items: readonly T[], key: (t: T) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const i of items) out[key(i)] = (out[key(i)] ?? 0) + 1;
  return out;
}
