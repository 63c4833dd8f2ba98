import { resolve, sep } from 'node:path';
import { DomainError } from '@fusion/shared/kernel';

/**
 * Server-side imports read the service's own file system: when roots are configured, the path must lie
 * inside one of them (so an RPC cannot read arbitrary files of a shared deployment).
 */
export function resolveImportPath(path: string, allowedRoots: readonly string[] | undefined): string {
  if (!path || path.trim() === '') throw DomainError.invalidArgument('path', 'is required');
  const absolute = resolve(path);
  if (!allowedRoots || allowedRoots.length === 0) return absolute;
  const inside = allowedRoots.some((root) => {
    const r = resolve(root);
    return absolute === r || absolute.startsWith(r.endsWith(sep) ? r : r + sep);
  });
  if (!inside) {
    throw DomainError.invalidArgument(
      'path',
      `${absolute} is outside the allowed import roots (${allowedRoots.join(', ')}); set INGESTION_IMPORT_ROOTS`,
    );
  }
  return absolute;
}
