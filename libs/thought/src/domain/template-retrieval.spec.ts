import { describe, expect, it } from 'vitest';
import { ErrorCode } from '@fusion/shared/kernel';
import { cosine, parseTopK, retrieveTemplates } from './template-retrieval';
import type { ThoughtTemplate } from './thought-template';

const v = (...xs: number[]): Float32Array => Float32Array.from(xs);
function tpl(taskName: string, queryId: string, embedding: Float32Array): ThoughtTemplate {
  return {
    taskName,
    queryId,
    query: queryId,
    template: `t-${queryId}`,
    selection: 'hybrid',
    summarizer: 'extractive-v1',
    embedding,
    metadata: {},
  };
}

describe('template retrieval', () => {
  const library = [
    tpl('math', 'm1', v(1, 0, 0)),
    tpl('math', 'm2', v(0.8, 0.6, 0)),
    tpl('code', 'c1', v(0, 1, 0)),
    tpl('code', 'c2', v(0, 0.6, 0.8)),
  ];

  it("takes candidates from the nearest template's task and ranks them by cosine", () => {
    const r = retrieveTemplates(library, v(0.1, 1, 0), { topK: 3 });
    expect(r.taskName).toBe('code');
    expect(r.matches.map((m) => m.template.queryId)).toEqual(['c1', 'c2']);
    expect(r.matches[0]?.similarity).toBeCloseTo(cosine(v(0.1, 1, 0), v(0, 1, 0)), 6);
  });

  it('uses the task hint (case- and dash-insensitive) and cuts at k', () => {
    const r = retrieveTemplates(library, v(0, 1, 0), { taskHint: 'MATH', topK: 1 });
    expect(r.taskName).toBe('math');
    expect(r.matches.map((m) => m.template.queryId)).toEqual(['m2']);
  });

  it('rejects a hint naming a task without templates, listing the ones with templates', () => {
    expect(() => retrieveTemplates(library, v(1, 0, 0), { taskHint: 'poetry', topK: 3 })).toThrowError(
      expect.objectContaining({
        code: ErrorCode.InvalidArgument,
        message: expect.stringContaining('code, math'),
      }),
    );
  });

  it('returns nothing for an empty library, and cosine is 0 across dimensions', () => {
    expect(retrieveTemplates([], v(1), { topK: 3 })).toEqual({ taskName: null, matches: [] });
    expect(cosine(v(1, 0), v(1, 0, 0))).toBe(0);
  });

  it('parses top_k: 0 is the default 3, 1..50 allowed, others INVALID_ARGUMENT naming top_k', () => {
    expect(parseTopK(0)).toBe(3);
    expect(parseTopK(50)).toBe(50);
    for (const bad of [-1, 51, 2.5]) {
      expect(() => parseTopK(bad)).toThrowError(
        expect.objectContaining({ violations: [expect.objectContaining({ field: 'top_k' })] }),
      );
    }
  });
});
