/**
 * A gRPC response as plain JSON for `--json`: proto-loader (`oneofs: true`) adds a virtual `_field: "field"` key
 * for every set proto3 `optional` field; those are wire artefacts, not data, so they are dropped.
 */
export function plainProto<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v: unknown) => plainProto(v)) as T;
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    if (key.startsWith('_') && v === key.slice(1)) continue;
    out[key] = plainProto(v);
  }
  return out as T;
}
