import { DomainError, ErrorCode } from '@fusion/shared/kernel';

/** Size limits on what ingestion accepts; each is named in the error or rejection it causes. */
export interface IngestionLimits {
  /** Largest text field (query, response, ground truth, serialised metadata), in UTF-8 bytes. */
  maxFieldBytes: number;
  /** Largest JSONL line, in bytes. */
  maxLineBytes: number;
  /** Most records one request (an RPC, an HTTP body) may carry. */
  maxRecordsPerRequest: number;
  /** Largest request body or import file, in bytes. */
  maxRequestBytes: number;
}

export const DEFAULT_INGESTION_LIMITS: Readonly<IngestionLimits> = {
  maxFieldBytes: 1024 * 1024,
  maxLineBytes: 8 * 1024 * 1024,
  maxRecordsPerRequest: 10_000,
  maxRequestBytes: 64 * 1024 * 1024,
};

export function resolveLimits(partial: Partial<IngestionLimits> = {}): IngestionLimits {
  return { ...DEFAULT_INGESTION_LIMITS, ...partial };
}

/**
 * Throws RESOURCE_EXHAUSTED naming the limit an oversized request breaks (`records` or `bytes`).
 * For request-shaped input; file imports stream and reject oversized rows one by one instead.
 */
export function assertWithinRequestLimits(
  request: { records?: number; bytes?: number },
  limits: Pick<IngestionLimits, 'maxRecordsPerRequest' | 'maxRequestBytes'> = DEFAULT_INGESTION_LIMITS,
): void {
  if (request.records !== undefined && request.records > limits.maxRecordsPerRequest) {
    throw limitError(
      'records',
      `${request.records} records exceed the limit of ${limits.maxRecordsPerRequest} per request`,
      {
        limit: 'maxRecordsPerRequest',
        value: request.records,
        max: limits.maxRecordsPerRequest,
      },
    );
  }
  if (request.bytes !== undefined && request.bytes > limits.maxRequestBytes) {
    throw limitError(
      'bytes',
      `${request.bytes} bytes exceed the limit of ${limits.maxRequestBytes} bytes per request`,
      {
        limit: 'maxRequestBytes',
        value: request.bytes,
        max: limits.maxRequestBytes,
      },
    );
  }
}

export function limitError(field: string, reason: string, details: Record<string, unknown>): DomainError {
  return new DomainError(ErrorCode.ResourceExhausted, `${field}: ${reason}`, {
    violations: [{ field, reason }],
    details,
  });
}

/** UTF-8 byte length of a string without allocating (lone surrogates count as 3, as TextEncoder writes them). */
export function utf8ByteLength(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        bytes += 4;
        i++;
      } else bytes += 3;
    } else bytes += 3;
  }
  return bytes;
}
