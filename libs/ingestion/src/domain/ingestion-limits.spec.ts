import { DomainError, ErrorCode } from '@fusion/shared/kernel';
import { describe, expect, it } from 'vitest';
import { assertWithinRequestLimits, resolveLimits, utf8ByteLength } from './ingestion-limits';
import { FASTCHAT_JUDGE_SCALE, judgeGradeToScore } from './judge-scale';

describe('request limits', () => {
  const limits = resolveLimits({ maxRecordsPerRequest: 10, maxRequestBytes: 100 });

  it('passes requests within the limits', () => {
    expect(() => assertWithinRequestLimits({ records: 10, bytes: 100 }, limits)).not.toThrow();
  });

  it('names the limit an oversized request breaks', () => {
    const records = (() => {
      try {
        assertWithinRequestLimits({ records: 11 }, limits);
      } catch (e) {
        return e;
      }
      return null;
    })();
    expect(records).toBeInstanceOf(DomainError);
    expect((records as DomainError).code).toBe(ErrorCode.ResourceExhausted);
    expect((records as DomainError).violations[0]?.field).toBe('records');
    expect(() => assertWithinRequestLimits({ bytes: 101 }, limits)).toThrow(
      /bytes: 101 bytes exceed the limit of 100/,
    );
  });
});

describe('utf8ByteLength', () => {
  it.each(['', 'abc', 'é', '€', '😀', 'a\u{10348}b', 'x'.repeat(1000)])(
    'matches Buffer.byteLength for %j',
    (s) => {
      expect(utf8ByteLength(s)).toBe(Buffer.byteLength(s, 'utf8'));
    },
  );
});

describe('judge grade mapping', () => {
  it('maps 1..10 linearly onto 0..1', () => {
    expect(judgeGradeToScore(1)).toBe(0);
    expect(judgeGradeToScore(10)).toBe(1);
    expect(judgeGradeToScore(4)).toBeCloseTo(1 / 3, 12);
    expect(judgeGradeToScore(7.5)).toBeCloseTo(6.5 / 9, 12);
  });

  it('returns null for unparseable grades', () => {
    for (const g of [-1, 0, 11, null, undefined, NaN, '7', Infinity]) expect(judgeGradeToScore(g)).toBeNull();
    expect(judgeGradeToScore(3, { min: 0, max: 5 })).toBe(0.6);
    expect(FASTCHAT_JUDGE_SCALE).toEqual({ min: 1, max: 10 });
  });
});
