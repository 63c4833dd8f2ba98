import { LlmError } from '../chat/llm-error';
import { OpenAiHttpClient, type OpenAiHttpOptions } from '../chat/openai-http.client';
import type { Embedder } from './embedder.port';

export interface OpenAiCompatibleEmbedderOptions extends OpenAiHttpOptions {
  model: string;
  /** The dimension the model produces; every returned vector is checked against it. */
  dimension: number;
  /** Texts per request. Default 64. */
  batchSize?: number;
  /** Embedding-space id; default `openai-compat:<model>:d<dimension>`. */
  id?: string;
  /** Extra body fields (e.g. `dimensions` for models that truncate, `truncate` for TEI). */
  extra?: Readonly<Record<string, unknown>>;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Decodes a base64 little-endian float32 vector (some servers ignore `encoding_format: float`). */
function decodeBase64(text: string): number[] {
  const bytes = Buffer.from(text, 'base64');
  const out: number[] = [];
  for (let i = 0; i + 4 <= bytes.length; i += 4) out.push(bytes.readFloatLE(i));
  return out;
}

/**
 * `Embedder` over any OpenAI-compatible `/v1/embeddings` API (TEI, vLLM, Ollama, hosted): batches texts,
 * keeps input order (by `index`), checks the dimension and L2-normalises. One attempt per batch; failures
 * are `LlmError`s.
 */
export class OpenAiCompatibleEmbedder implements Embedder {
  readonly id: string;
  readonly dimension: number;
  private readonly model: string;
  private readonly batchSize: number;
  private readonly extra: Readonly<Record<string, unknown>>;
  private readonly http: OpenAiHttpClient;

  constructor(opts: OpenAiCompatibleEmbedderOptions) {
    if (typeof opts.model !== 'string' || opts.model.trim() === '')
      throw new RangeError('model must be a non-empty string');
    if (!Number.isInteger(opts.dimension) || opts.dimension < 1) {
      throw new RangeError(`dimension must be an integer >= 1, got ${opts.dimension}`);
    }
    const batchSize = opts.batchSize ?? 64;
    if (!Number.isInteger(batchSize) || batchSize < 1)
      throw new RangeError(`batchSize must be an integer >= 1, got ${batchSize}`);
    this.model = opts.model;
    this.dimension = opts.dimension;
    this.batchSize = batchSize;
    this.extra = opts.extra ?? {};
    this.id = opts.id ?? `openai-compat:${opts.model}:d${opts.dimension}`;
    this.http = new OpenAiHttpClient(opts);
  }

  async embed(texts: readonly string[], signal?: AbortSignal): Promise<Float32Array[]> {
    texts.forEach((t, i) => {
      if (typeof t !== 'string') throw new LlmError('bad_request', `texts[${i}]: must be a string`);
    });
    const out: Float32Array[] = [];
    for (let start = 0; start < texts.length; start += this.batchSize) {
      const batch = texts.slice(start, start + this.batchSize);
      out.push(...(await this.embedBatch(batch, start, signal)));
    }
    return out;
  }

  private async embedBatch(
    batch: readonly string[],
    offset: number,
    signal?: AbortSignal,
  ): Promise<Float32Array[]> {
    const body = { ...this.extra, model: this.model, input: batch, encoding_format: 'float' };
    const call = await this.http.post('/v1/embeddings', body, {
      model: this.model,
      ...(signal ? { signal } : {}),
    });
    let raw: string;
    try {
      raw = await call.text();
    } finally {
      call.close();
    }
    const malformed = (why: string): LlmError =>
      new LlmError('malformed_response', `${this.model}: malformed embeddings response: ${why}`, {
        rawBody: raw,
        model: this.model,
      });
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      throw malformed('body is not JSON');
    }
    if (!isObject(parsed) || !Array.isArray(parsed['data'])) throw malformed('missing "data" array');
    const data = parsed['data'] as unknown[];
    if (data.length !== batch.length) throw malformed(`${data.length} embeddings for ${batch.length} inputs`);
    const vectors: (Float32Array | undefined)[] = new Array<Float32Array | undefined>(batch.length);
    data.forEach((item, pos) => {
      if (!isObject(item)) throw malformed(`data[${pos}] is not an object`);
      const index = item['index'] === undefined ? pos : item['index'];
      if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index >= batch.length) {
        throw malformed(`data[${pos}].index is out of range`);
      }
      if (vectors[index]) throw malformed(`index ${index} appears twice`);
      const e = item['embedding'];
      const values = typeof e === 'string' ? decodeBase64(e) : e;
      if (!Array.isArray(values)) throw malformed(`data[${pos}].embedding is not an array`);
      if (values.length !== this.dimension) {
        throw new LlmError(
          'malformed_response',
          `${this.model}: embedding for input ${offset + index} has dimension ${values.length}, expected ${this.dimension}`,
          { model: this.model },
        );
      }
      const v = new Float32Array(this.dimension);
      let norm = 0;
      for (let i = 0; i < values.length; i++) {
        const x: unknown = values[i];
        if (typeof x !== 'number' || !Number.isFinite(x))
          throw malformed(`data[${pos}].embedding[${i}] is not a finite number`);
        v[i] = x;
        norm += x * x;
      }
      norm = Math.sqrt(norm);
      // A zero vector has no direction; it stays zero rather than becoming NaN.
      if (norm > 0) for (let i = 0; i < v.length; i++) v[i] = (v[i] as number) / norm;
      vectors[index] = v;
    });
    return vectors.map((v, i) => {
      if (!v) throw malformed(`no embedding for input ${offset + i}`);
      return v;
    });
  }
}
