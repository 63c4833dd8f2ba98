import { stableHash } from '@fusion/shared/kernel';

/** A number in [0, 1) fixed by (seed, salt, id): the same query lands on the same side of every split. */
export function seededUnit(seed: number, salt: string, id: string): number {
  return parseInt(stableHash([String(seed), salt, id], 8), 16) / 0x1_0000_0000;
}

/** A 32-bit seed derived from (seed, salt, id), for per-item seeded draws independent of item order. */
export function seededInt(seed: number, salt: string, id: string): number {
  return parseInt(stableHash([String(seed), salt, id], 8), 16);
}

export interface SeededSplitOptions<T> {
  seed: number;
  /** Share of each group that goes to `selected`, in (0, 1). */
  fraction: number;
  /** Keeps splits made for different purposes (test, validation) independent of each other. */
  salt: string;
  idOf: (item: T) => string;
  groupOf: (item: T) => string;
}

/**
 * Stratified seeded split: within each group (task), items are ordered by a hash of (seed, salt, id) and the first
 * round(n * fraction) are selected, clamped to [1, n - 1] so a group of two or more keeps both sides; a group of one
 * stays unselected. The result depends only on the ids, never on input order.
 */
export function seededSplit<T>(
  items: readonly T[],
  options: SeededSplitOptions<T>,
): { selected: T[]; rest: T[] } {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const g = options.groupOf(item);
    const list = groups.get(g);
    if (list) list.push(item);
    else groups.set(g, [item]);
  }
  const picked = new Set<T>();
  for (const list of groups.values()) {
    const keyed = list.map((item) => {
      const id = options.idOf(item);
      return { item, id, key: seededUnit(options.seed, options.salt, id) };
    });
    keyed.sort((a, b) => (a.key !== b.key ? a.key - b.key : a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const n = keyed.length;
    const count = n < 2 ? 0 : Math.min(n - 1, Math.max(1, Math.round(n * options.fraction)));
    for (const k of keyed.slice(0, count)) picked.add(k.item);
  }
  return {
    selected: items.filter((i) => picked.has(i)),
    rest: items.filter((i) => !picked.has(i)),
  };
}

/**
 * The validation slice the harness holds out of train to choose champions: `fraction` of each task's train queries,
 * seeded by `seed`. Exported so callers (and tests) can see exactly which queries it is.
 */
export function validationSlice<T extends { queryId: string; taskName: string }>(
  train: readonly T[],
  seed: number,
  fraction: number,
): { validation: T[]; fit: T[] } {
  const { selected, rest } = seededSplit(train, {
    seed,
    fraction,
    salt: 'validation',
    idOf: (q) => q.queryId,
    groupOf: (q) => q.taskName,
  });
  return { validation: selected, fit: rest };
}
