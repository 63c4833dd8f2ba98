import { createHash, randomUUID } from 'node:crypto';

/** Identifier generation behind a port (random ids are a side effect). */
export interface IdGenerator {
  next(): string;
}

export const uuidGenerator: IdGenerator = { next: () => randomUUID() };

/** Deterministic ids for tests: prefix-1, prefix-2, ... */
export class SequentialIds implements IdGenerator {
  private n = 0;
  constructor(private readonly prefix = 'id') {}
  next(): string {
    this.n += 1;
    return `${this.prefix}-${this.n}`;
  }
}

/** Stable short hash (sha256, hex, first `length` chars) of the joined parts. Pure. */
export function stableHash(parts: readonly string[], length = 24): string {
  const h = createHash('sha256');
  for (const p of parts) {
    h.update(p);
    h.update('\u0000');
  }
  return h.digest('hex').slice(0, length);
}

/** Deterministic UUID (v5-shaped) from a name, for idempotent event ids derived from natural keys. */
export function uuidFromName(name: string): string {
  const hex = createHash('sha256').update(name).digest('hex');
  const variant = ((parseInt(hex.slice(16, 18), 16) & 0x3f) | 0x80).toString(16).padStart(2, '0');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(18, 20)}-${hex.slice(20, 32)}`;
}
