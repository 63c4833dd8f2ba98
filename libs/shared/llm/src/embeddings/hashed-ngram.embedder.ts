import type { Embedder } from './embedder.port';

/** FNV-1a 32-bit over code units (index hash seeded with 0, sign hash with SIGN_SEED); stable across platforms. */
const FNV_OFFSET = 0x811c9dc5;
const SIGN_SEED = 0x9e3779b9;
const LT = '<'.charCodeAt(0);
const GT = '>'.charCodeAt(0);
const SPACE = ' '.charCodeAt(0);

function fnvChar(h: number, code: number): number {
  return Math.imul((h ^ code) >>> 0, 0x01000193) >>> 0;
}

function fnvRange(h: number, text: string, from: number, to: number): number {
  for (let i = from; i < to; i++) h = Math.imul((h ^ text.charCodeAt(i)) >>> 0, 0x01000193) >>> 0;
  return h;
}

/** FNV states after hashing `prefix` with the index seed and with the sign seed. */
function prefixStates(prefix: string): [number, number] {
  return [
    fnvRange((FNV_OFFSET ^ 0) >>> 0, prefix, 0, prefix.length),
    fnvRange((FNV_OFFSET ^ SIGN_SEED) >>> 0, prefix, 0, prefix.length),
  ];
}

const W_PREFIX = prefixStates('w:');
const B_PREFIX = prefixStates('b:');

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
  /** FNV states after `c<n>:` for each n-gram size, for both seeds. */
  private readonly charPrefixes: [number, number][];
  /** Counts per (index, sign), all zero between calls (embedOne resets what it touched). */
  private readonly counts: Uint32Array;
  private readonly order: number[] = [];

  constructor(opts: HashedNgramOptions = {}) {
    this.dimension = opts.dimension ?? 256;
    this.charNgrams = opts.charNgrams ?? [3, 4];
    this.wordNgrams = opts.wordNgrams ?? true;
    this.charPrefixes = this.charNgrams.map((n) => prefixStates(`c${n}:`));
    this.counts = new Uint32Array(this.dimension * 2);
    this.id = `hashed-ngram-v1:d${this.dimension}:c${this.charNgrams.join('-')}:w${this.wordNgrams ? 1 : 0}`;
  }

  /**
   * Same features, hashes and float operations as hashing each feature string (`w:<word>`, `b:<word> <next>`,
   * `c<n>:<gram>`) with FNV-1a, without building those strings: the hash runs over the prefix and then the source
   * characters, and counts go to a dense array in first-seen order (the order the sums are taken in). This is the
   * RouteQuery hot path; the output is bit-identical to the string-building version (tested).
   */
  embedOne(text: string): Float32Array {
    const dim = this.dimension;
    const counts = this.counts;
    const order = this.order;
    order.length = 0;
    const add = (h: number, hs: number): void => {
      const key = ((h >>> 0) % dim) * 2 + ((hs >>> 0) & 1 ? 0 : 1);
      if (counts[key] === 0) order.push(key);
      counts[key] = (counts[key] as number) + 1;
    };
    const words = text
      .toLowerCase()
      .normalize('NFKC')
      .split(/[^\p{L}\p{N}]+/u)
      .filter((w) => w.length > 0);
    for (let i = 0; i < words.length; i++) {
      const w = words[i] as string;
      if (this.wordNgrams) {
        add(fnvRange(W_PREFIX[0], w, 0, w.length), fnvRange(W_PREFIX[1], w, 0, w.length));
        if (i + 1 < words.length) {
          const next = words[i + 1] as string;
          let h = fnvChar(fnvRange(B_PREFIX[0], w, 0, w.length), SPACE);
          let hs = fnvChar(fnvRange(B_PREFIX[1], w, 0, w.length), SPACE);
          h = fnvRange(h, next, 0, next.length);
          hs = fnvRange(hs, next, 0, next.length);
          add(h, hs);
        }
      }
      // Grams of `<word>`: position -1 is '<', position w.length is '>'.
      const last = w.length + 2;
      for (let g = 0; g < this.charNgrams.length; g++) {
        const n = this.charNgrams[g] as number;
        const prefix = this.charPrefixes[g] as [number, number];
        for (let j = 0; j + n <= last; j++) {
          let h = prefix[0];
          let hs = prefix[1];
          for (let k = j; k < j + n; k++) {
            const c = k === 0 ? LT : k === last - 1 ? GT : w.charCodeAt(k - 1);
            h = fnvChar(h, c);
            hs = fnvChar(hs, c);
          }
          add(h, hs);
        }
      }
    }
    const v = new Float32Array(dim);
    for (const key of order) {
      const c = counts[key] as number;
      counts[key] = 0;
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
