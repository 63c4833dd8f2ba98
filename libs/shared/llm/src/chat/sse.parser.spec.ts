import { describe, expect, it } from 'vitest';
import { SseParser } from './sse.parser';

function parseAll(pieces: readonly string[]): { event: string | undefined; data: string }[] {
  const p = new SseParser();
  const out = pieces.flatMap((piece) => p.push(piece));
  return [...out, ...p.end()];
}

describe('SseParser', () => {
  it('splits events on blank lines and strips one leading space', () => {
    expect(parseAll(['data: {"a":1}\n\ndata:{"b":2}\n\n'])).toEqual([
      { event: undefined, data: '{"a":1}' },
      { event: undefined, data: '{"b":2}' },
    ]);
  });

  it('handles any chunking, including CRLF split between chunks', () => {
    const text = 'data: one\r\n\r\ndata: two\r\n\r\n';
    const expected = [
      { event: undefined, data: 'one' },
      { event: undefined, data: 'two' },
    ];
    for (let cut = 1; cut < text.length; cut++) {
      expect(parseAll([text.slice(0, cut), text.slice(cut)])).toEqual(expected);
    }
    expect(parseAll(text.split(''))).toEqual(expected);
  });

  it('joins multi-line data, keeps event names, ignores comments, ids and retry', () => {
    expect(parseAll([': keep-alive\n\nevent: error\nid: 4\nretry: 100\ndata: a\ndata: b\n\n'])).toEqual([
      { event: 'error', data: 'a\nb' },
    ]);
  });

  it('accepts bare CR line endings', () => {
    expect(parseAll(['data: x\r\rdata: y\r\r'])).toEqual([
      { event: undefined, data: 'x' },
      { event: undefined, data: 'y' },
    ]);
  });

  it('flushes a final event without its blank line at end of input', () => {
    expect(parseAll(['data: [DONE]'])).toEqual([{ event: undefined, data: '[DONE]' }]);
  });
});
