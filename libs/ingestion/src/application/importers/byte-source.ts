import { createReadStream } from 'node:fs';

/** Bytes of an input from a byte offset on, in chunks: lets parsers stream and re-read after an error. */
export type ByteSource = (offset: number) => AsyncIterable<Uint8Array>;

export const DEFAULT_CHUNK_BYTES = 64 * 1024;

export function fileByteSource(path: string, chunkBytes = DEFAULT_CHUNK_BYTES): ByteSource {
  return (offset) => createReadStream(path, { start: offset, highWaterMark: chunkBytes });
}

/** An in-memory source (tests, request bodies). */
export function bufferByteSource(bytes: Uint8Array, chunkBytes = DEFAULT_CHUNK_BYTES): ByteSource {
  return async function* chunks(offset: number) {
    for (let i = offset; i < bytes.length; i += chunkBytes)
      yield bytes.subarray(i, Math.min(i + chunkBytes, bytes.length));
  };
}
