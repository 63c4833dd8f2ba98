export * from './embeddings/embedder.port';
export * from './embeddings/hashed-ngram.embedder';
