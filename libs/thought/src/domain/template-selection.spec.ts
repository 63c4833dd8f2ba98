import { describe, expect, it } from 'vitest';
import { ErrorCode } from '@fusion/shared/kernel';
import { parseSelection, selectResponses } from './template-selection';
import type { ThoughtResponse } from './thought-response';

function row(
  llm: string,
  performance: number | null,
  judgeScore: number | null,
  costUsd: number | null,
  response = `answer of ${llm}`,
): ThoughtResponse {
  return {
    recordId: `r-${llm}`,
    queryId: 'q1',
    taskName: 'gsm8k',
    query: 'What is 2+2?',
    llm,
    promptMode: 'direct',
    response,
    performance,
    judgeScore,
    costUsd,
  };
}

const llms = (rows: ThoughtResponse[]): string[] => rows.map((r) => r.llm);

describe('selection strategies', () => {
  // perf: a=1 b=1 c=1 d=0.5 e=0 f=1 (f has no judge), costs differ to break ties.
  const given = [
    row('a', 1, 0.2, 0.03),
    row('b', 1, 0.9, 0.01),
    row('c', 1, 0.5, 0.02),
    row('d', 0.5, 1.0, 0.001),
    row('e', 0, 0.95, 0.0001),
    row('f', 1, null, 0.005),
    row('g', 1, 0.99, 0.5, '   '),
  ];

  it('performance: top 3 by performance desc, then cost asc; empty responses never count', () => {
    expect(llms(selectResponses(given, 'performance'))).toEqual(['f', 'b', 'c']);
  });

  it('judge: top 3 by judge score desc, then cost asc; rows without a judge score come last', () => {
    expect(llms(selectResponses(given, 'judge'))).toEqual(['d', 'e', 'b']);
    const noJudges = [row('x', 1, null, 0.1), row('y', 0, 0.1, 0.1)];
    expect(llms(selectResponses(noJudges, 'judge'))).toEqual(['y', 'x']);
  });

  it('hybrid: top 5 by performance/cost, then top 3 of those by judge/cost (paper §4.1)', () => {
    // First cut (perf desc, cost asc): f b c a d ; then judge desc: d(1.0) b(0.9) c(0.5) a(0.2) f(null).
    expect(llms(selectResponses(given, 'hybrid'))).toEqual(['d', 'b', 'c']);
  });

  it('hybrid: a row outside the performance top 5 is never picked, however well it was judged', () => {
    expect(llms(selectResponses(given, 'hybrid'))).not.toContain('e');
  });

  it('sorts missing performance last and missing cost after known costs', () => {
    const rows = [row('p', null, 1, 0.001), row('q', 0.2, 0, null), row('r', 0.2, 0, 0.5)];
    expect(llms(selectResponses(rows, 'performance'))).toEqual(['r', 'q', 'p']);
  });

  it('is deterministic on full ties (by llm name)', () => {
    const rows = [row('z', 1, 1, 0.1), row('m', 1, 1, 0.1), row('k', 1, 1, 0.1)];
    expect(llms(selectResponses(rows, 'hybrid'))).toEqual(['k', 'm', 'z']);
  });

  it('parses strategy names, defaulting to hybrid, and rejects unknown ones naming the field', () => {
    expect(parseSelection('')).toBe('hybrid');
    expect(parseSelection(' Judge ')).toBe('judge');
    expect(() => parseSelection('best')).toThrowError(
      expect.objectContaining({
        code: ErrorCode.InvalidArgument,
        violations: [expect.objectContaining({ field: 'selection' })],
      }),
    );
  });
});
