import { ErrorCode } from '@fusion/shared/kernel';
import { describe, expect, it } from 'vitest';
import { kindForStatus, LlmError, MAX_ERROR_BODY_CHARS, parseRetryAfter } from './llm-error';

describe('kindForStatus', () => {
  it.each([
    [429, 'rate_limited'],
    [408, 'timeout'],
    [401, 'auth'],
    [403, 'auth'],
    [400, 'bad_request'],
    [404, 'bad_request'],
    [422, 'bad_request'],
    [500, 'server_error'],
    [503, 'server_error'],
  ])('maps %i to %s', (status, kind) => {
    expect(kindForStatus(status)).toBe(kind);
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  it('reads delta seconds, HTTP dates and retry-after-ms', () => {
    expect(parseRetryAfter('3', null, now)).toBe(3000);
    expect(parseRetryAfter('0.5', null, now)).toBe(500);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:10 GMT', null, now)).toBe(10_000);
    expect(parseRetryAfter('3', '250', now)).toBe(250);
  });
  it('is undefined when absent or unreadable', () => {
    expect(parseRetryAfter(null, null, now)).toBeUndefined();
    expect(parseRetryAfter('soon', null, now)).toBeUndefined();
  });
  it('never returns a negative delay for a past date', () => {
    expect(parseRetryAfter('Wed, 31 Dec 2025 00:00:00 GMT', null, now)).toBe(0);
  });
});

describe('LlmError', () => {
  it('defaults retryable by kind and maps to a domain error code', () => {
    expect(new LlmError('rate_limited', 'x')).toMatchObject({
      retryable: true,
      code: ErrorCode.ResourceExhausted,
    });
    expect(new LlmError('timeout', 'x')).toMatchObject({ retryable: true, code: ErrorCode.DeadlineExceeded });
    expect(new LlmError('bad_request', 'x')).toMatchObject({
      retryable: false,
      code: ErrorCode.InvalidArgument,
    });
    expect(new LlmError('malformed_response', 'x', { retryable: true }).retryable).toBe(true);
  });
  it('truncates the raw body it keeps', () => {
    const err = new LlmError('malformed_response', 'x', { rawBody: 'y'.repeat(MAX_ERROR_BODY_CHARS + 500) });
    expect(err.rawBody?.startsWith('y'.repeat(MAX_ERROR_BODY_CHARS))).toBe(true);
    expect(err.rawBody).toContain('500 more chars');
  });
});
