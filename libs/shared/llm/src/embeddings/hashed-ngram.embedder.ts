import type { Embedder } from './embedder.port';

/** FNV-1a 32-bit over a string (code units); fast and stable across platforms. */
function fnv1a(text: string, seed: number): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

export interface HashedNgramOptions {
  dimension?: number;
  /** Character n-gram sizes taken inside each word (with boundary markers). */
  charNgrams?: readonly number[];
  /** Also hash word unigrams and bigrams. */
  wordNgrams?: boolean;
}

/**
 * Deterministic embedder: signed feature hashing of word uni/bigrams and character n-grams, sublinear
 * term frequency, L2-normalised. Captures lexical and sub-word similarity; no semantics beyond that.
 */
export class HashedNgramEmbedder implements Embedder {
  readonly id: string;
  readonly dimension: number;
  private readonly charNgrams: readonly number[];
  private readonly wordNgrams: boolean;

  constructor(opts: HashedNgramOptions = {}) {
    this.dimension = opts.dimension ?? 256;
    this.charNgrams = opts.charNgrams ?? [3, 4];
    this.wordNgrams = opts.wordNgrams ?? true;
    this.id = `hashed-ngram-v1:d${this.dimension}:c${this.charNgrams.join('-')}:w${this.wordNgrams ? 1 : 0}`;
  }

  embedOne(text: string): Float32Array {
    const counts = new Map<number, number>();
    const add = (feature: string): void => {
      const h = fnv1a(feature, 0);
      const idx = h % this.dimension;
      const sign = fnv1a(feature, 0x9e3779b9) & 1 ? 1 : -1;
      counts.set(idx * 2 + (sign > 0 ? 0 : 1), (counts.get(idx * 2 + (sign > 0 ? 0 : 1)) ?? 0) + 1);
    };
    const words = text
      .toLowerCase()
      .normalize('NFKC')
      .split(/[^\p{L}\p{N}]+/u)
      .filter((w) => w.length > 0);
    for (let i = 0; i < words.length; i++) {
      const w = words[i] as string;
      if (this.wordNgrams) {
        add(`w:${w}`);
        if (i + 1 < words.length) add(`b:${w} ${words[i + 1] as string}`);
      }
      const padded = `<${w}>`;
      for (const n of this.charNgrams) {
        for (let j = 0; j + n <= padded.length; j++) add(`c${n}:${padded.slice(j, j + n)}`);
      }
    }
    const v = new Float32Array(this.dimension);
    for (const [key, c] of counts) {
      const idx = key >> 1;
      const sign = key & 1 ? -1 : 1;
      v[idx] = (v[idx] as number) + sign * (1 + Math.log(c));
    }
    let norm = 0;
    for (let i = 0; i < v.length; i++) norm += (v[i] as number) * (v[i] as number);
    norm = Math.sqrt(norm);
    if (norm > 0) for (let i = 0; i < v.length; i++) v[i] = (v[i] as number) / norm;
    return v;
  }

  async embed(texts: readonly string[]): Promise<Float32Array[]> {
    return texts.map((t) => this.embedOne(t));
  }
}
