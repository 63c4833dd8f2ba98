import { DomainError } from '@fusion/shared/kernel';

// Artifacts store raw little-endian IEEE-754 bytes; a big-endian host would read them wrongly.
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function assertLittleEndian(): void {
  if (!LITTLE_ENDIAN) throw DomainError.failedPrecondition('router artifacts need a little-endian host');
}

/** Float32 array → base64 of its little-endian bytes. */
export function encodeFloat32(values: Float32Array): string {
  assertLittleEndian();
  return Buffer.from(values.buffer, values.byteOffset, values.byteLength).toString('base64');
}

/** base64 → Float32 array of exactly `length` values; a wrong size is an INVALID_ARGUMENT naming `field`. */
export function decodeFloat32(encoded: unknown, length: number, field: string): Float32Array {
  assertLittleEndian();
  if (typeof encoded !== 'string') throw DomainError.invalidArgument(field, 'must be a base64 string');
  const bytes = Buffer.from(encoded, 'base64');
  if (bytes.length !== length * 4) {
    throw DomainError.invalidArgument(field, `expected ${length} float32 values, got ${bytes.length / 4}`);
  }
  // Copy: a Buffer slice may not be 4-byte aligned.
  const out = new Float32Array(length);
  new Uint8Array(out.buffer).set(bytes);
  return out;
}
