import { describe, expect, it } from 'vitest';
import { bufferByteSource, type ByteSource } from './byte-source';
import { readLines, type RawLine } from './line-reader';

const enc = new TextEncoder();

async function lines(input: string | Uint8Array, maxLineBytes = 1024, chunk = 64 * 1024): Promise<RawLine[]> {
  const out: RawLine[] = [];
  const bytes = typeof input === 'string' ? enc.encode(input) : input;
  for await (const l of readLines(bufferByteSource(bytes, chunk), { maxLineBytes })) out.push(l);
  return out;
}

describe('readLines', () => {
  it('splits LF and CRLF lines, strips a BOM, numbers lines from 1', async () => {
    const out = await lines('\uFEFF{"a":1}\r\nsecond\n\nlast\n');
    expect(out.map((l) => [l.line, l.text, l.terminated])).toEqual([
      [1, '{"a":1}', true],
      [2, 'second', true],
      [3, '', true],
      [4, 'last', true],
    ]);
  });

  it('reports a last line without a line break as unterminated', async () => {
    const out = await lines('a\n{"cut":');
    expect(out[1]).toMatchObject({ line: 2, text: '{"cut":', terminated: false });
  });

  it('gives the same lines for any chunking', async () => {
    const text = '\uFEFFé€😀\r\nx\n\ny\r\n';
    const whole = await lines(text);
    for (const size of [1, 2, 3, 4]) expect(await lines(text, 1024, size)).toEqual(whole);
  });

  it('flags invalid UTF-8 and keeps a lossy copy for diagnostics', async () => {
    const out = await lines(
      new Uint8Array([...enc.encode('{"response":"ab'), 0xc3, 0x28, ...enc.encode('"}\nok\n')]),
    );
    expect(out[0]).toMatchObject({ text: null, invalidUtf8: true });
    expect(out[0]?.lossy).toContain('\uFFFD');
    expect(out[1]?.text).toBe('ok');
  });

  it('measures an oversized line without buffering it and keeps a short preview', async () => {
    const size = 20 * 1024 * 1024;
    const chunk = new Uint8Array(64 * 1024).fill(0x78);
    const source: ByteSource = async function* () {
      yield enc.encode('{"query":"q","response":"');
      for (let sent = 0; sent < size; sent += chunk.length) yield chunk;
      yield enc.encode('"}\n{"next":true}\n');
    };
    const out: RawLine[] = [];
    for await (const l of readLines(source, { maxLineBytes: 1024 * 1024 })) out.push(l);
    expect(out[0]).toMatchObject({
      oversized: true,
      text: null,
      bytes: size + '{"query":"q","response":"'.length + '"}'.length,
    });
    expect(out[0]?.lossy.length).toBeLessThanOrEqual(4096);
    expect(out[0]?.lossy.startsWith('{"query":"q","response":"')).toBe(true);
    expect(out[1]?.text).toBe('{"next":true}');
  });
});
