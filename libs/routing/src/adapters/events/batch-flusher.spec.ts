import { describe, expect, it } from 'vitest';
import { BatchFlusher } from './batch-flusher';

describe('BatchFlusher', () => {
  it('writes queued items in batches, retries a failed batch in order, and drains on close', async () => {
    const written: number[][] = [];
    let failNext = 1;
    const errors: unknown[] = [];
    const f = new BatchFlusher<number>({
      intervalMs: 2,
      maxBatch: 3,
      maxQueue: 100,
      flush: async (items) => {
        if (failNext-- > 0) throw new Error('db down');
        written.push([...items]);
      },
      onError: (err) => errors.push(err),
    });
    for (let i = 0; i < 7; i++) expect(f.add(i)).toBeUndefined();
    await f.close();
    expect(errors).toHaveLength(1);
    expect(written.flat()).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(written.every((b) => b.length <= 3)).toBe(true);
    expect(f.pending).toBe(0);
  });

  it('makes producers wait when the queue is full instead of dropping', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    const written: number[] = [];
    const f = new BatchFlusher<number>({
      intervalMs: 1,
      maxBatch: 10,
      maxQueue: 2,
      flush: async (items) => {
        await gate;
        written.push(...items);
      },
    });
    expect(f.add(1)).toBeUndefined();
    expect(f.add(2)).toBeUndefined();
    const waiting = f.add(3);
    expect(waiting).toBeInstanceOf(Promise);
    release();
    await waiting;
    await f.close();
    expect(written).toEqual([1, 2, 3]);
  });
});
