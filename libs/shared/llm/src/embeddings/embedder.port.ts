/**
 * Text embeddings behind one port. The default is the deterministic hashed n-gram embedder (no model
 * download); production points the OpenAI-compatible adapter at TEI, vLLM or any `/v1/embeddings` API.
 * Vectors are L2-normalised, so cosine similarity is a dot product.
 */
export interface Embedder {
  /** Stable id of the embedding space (model + settings); a router trained in one space can't be used in another. */
  readonly id: string;
  readonly dimension: number;
  embed(texts: readonly string[]): Promise<Float32Array[]>;
}
