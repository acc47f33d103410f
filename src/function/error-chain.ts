/**
 * How the ingest handler tells failures apart, by the error or any error in its cause chain
 * (six links at most): gone for good, unreadable for good, or a missing table to recreate.
 */

/** Whether an error (or one in its cause chain) says the object or its generation does not exist. */
export function isNotFound(error: unknown): boolean {
  for (let e: unknown = error, i = 0; e !== undefined && e !== null && i < 6; i++) {
    const x = e as { code?: unknown; status?: unknown; response?: { status?: unknown } };
    if (x.code === 404 || x.code === '404' || x.status === 404 || x.response?.status === 404 || x.code === 'ENOENT')
      return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

/** The first error of class `type` in the cause chain, if any. */
export function findInChain<T extends Error>(
  error: unknown,
  type: abstract new (...args: never[]) => T,
): T | undefined {
  for (let e: unknown = error, i = 0; e !== undefined && e !== null && i < 6; i++) {
    if (e instanceof type) return e;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/** Corrupt compressed data will not decompress on any retry. */
export function isCorruptData(error: unknown): boolean {
  for (let e: unknown = error, i = 0; e !== undefined && e !== null && i < 6; i++) {
    const code = (e as { code?: unknown }).code;
    if (
      typeof code === 'string' &&
      (code === 'Z_DATA_ERROR' || code === 'Z_BUF_ERROR' || code === 'ERR_ZLIB_INITIALIZATION_FAILED')
    )
      return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

/** BigQuery says a dataset or table is missing: someone dropped it since this instance created it. */
export function isMissingTable(error: unknown): boolean {
  const text = error instanceof Error ? error.message : String(error);
  return /Not found: (Table|Dataset)/i.test(text);
}
