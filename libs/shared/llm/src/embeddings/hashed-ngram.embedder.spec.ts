import { describe, expect, it } from 'vitest';
import { HashedNgramEmbedder } from './hashed-ngram.embedder';

/** The string-building version the embedder replaced: the oracle its output must match bit for bit. */
function fnv1a(text: string, seed: number): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

function referenceEmbed(
  text: string,
  dimension: number,
  charNgrams: readonly number[],
  wordNgrams: boolean,
): Float32Array {
  const counts = new Map<number, number>();
  const add = (feature: string): void => {
    const idx = fnv1a(feature, 0) % dimension;
    const sign = fnv1a(feature, 0x9e3779b9) & 1 ? 1 : -1;
    const key = idx * 2 + (sign > 0 ? 0 : 1);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  };
  const words = text
    .toLowerCase()
    .normalize('NFKC')
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length > 0);
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if (wordNgrams) {
      add(`w:${w}`);
      if (i + 1 < words.length) add(`b:${w} ${words[i + 1]!}`);
    }
    const padded = `<${w}>`;
    for (const n of charNgrams)
      for (let j = 0; j + n <= padded.length; j++) add(`c${n}:${padded.slice(j, j + n)}`);
  }
  const v = new Float32Array(dimension);
  for (const [key, c] of counts) v[key >> 1] = v[key >> 1]! + (key & 1 ? -1 : 1) * (1 + Math.log(c));
  let norm = 0;
  for (let i = 0; i < v.length; i++) norm += v[i]! * v[i]!;
  norm = Math.sqrt(norm);
  if (norm > 0) for (let i = 0; i < v.length; i++) v[i] = v[i]! / norm;
  return v;
}

/** Deterministic pseudo-random texts: ASCII words, digits, punctuation, accents, CJK, emoji (surrogate pairs). */
function texts(count: number): string[] {
  const alphabet = [
    'a',
    'b',
    'e',
    'x',
    'Z',
    '7',
    ' ',
    ' ',
    ',',
    '.',
    '-',
    'é',
    'ß',
    'İ',
    '数',
    '学',
    '😀',
    '\n',
    'ﬁ',
    'Ａ',
  ];
  let seed = 42;
  const rnd = (): number =>
    ((seed = Math.imul(seed ^ (seed >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0) / 2 ** 32;
  return Array.from({ length: count }, () =>
    Array.from({ length: Math.floor(rnd() * 120) }, () => alphabet[Math.floor(rnd() * alphabet.length)]).join(
      '',
    ),
  );
}

describe('HashedNgramEmbedder', () => {
  const cases: { dimension: number; charNgrams: number[]; wordNgrams: boolean }[] = [
    { dimension: 256, charNgrams: [3, 4], wordNgrams: true },
    { dimension: 384, charNgrams: [2, 3, 5], wordNgrams: false },
    { dimension: 7, charNgrams: [1], wordNgrams: true },
  ];
  for (const c of cases) {
    it(`is bit-identical to the string-building reference (d=${c.dimension}, grams ${c.charNgrams.join('/')}, words ${c.wordNgrams})`, () => {
      const embedder = new HashedNgramEmbedder(c);
      const inputs = [
        '',
        '   ',
        'What is the capital of France?',
        'Solve for x: 3x + 5 = 20. Put the answer in \\boxed{}.',
        'a',
        ...texts(400),
      ];
      for (const text of inputs) {
        const got = embedder.embedOne(text);
        const want = referenceEmbed(text, c.dimension, c.charNgrams, c.wordNgrams);
        expect(Array.from(got), JSON.stringify(text)).toEqual(Array.from(want));
      }
    });
  }

  it('gives the same vector for the same text on repeated calls (its scratch state is reset)', () => {
    const embedder = new HashedNgramEmbedder();
    const first = embedder.embedOne('route this query to the best model');
    embedder.embedOne('something else entirely, with other words');
    expect(Array.from(embedder.embedOne('route this query to the best model'))).toEqual(Array.from(first));
  });

  it('returns unit vectors, and the zero vector for text without letters or digits', () => {
    const embedder = new HashedNgramEmbedder();
    const v = embedder.embedOne('Explain photosynthesis to a child');
    expect(Math.hypot(...v)).toBeCloseTo(1, 5);
    expect(Array.from(embedder.embedOne('?!  ...')).every((x) => x === 0)).toBe(true);
  });
});
