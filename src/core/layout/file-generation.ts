/**
 * A local file's generation: which version of it the ledger holds (contract §5). GCS gives each
 * version a generation number; a folder has only its files' metadata, so a version is the pair
 * rsync's quick check compares: the modification time (in microseconds) and the size,
 * `"<mtime µs>:<size>"`. A file rewritten in place gets a new time; a file replaced with its time
 * restored (`cp -p`, `rsync -t`) keeps it, but a different size still makes it a new version.
 * (Content replaced with both its size and its time kept is, as for rsync, the same version.)
 */
export function localGeneration(mtimeNs: bigint, size: bigint | number): string {
  return `${mtimeNs / 1000n}:${size}`;
}

/**
 * The generation the same version of a local file had before generations carried its size (the
 * modification time alone); undefined for any other generation. Ledger rows written then still
 * count as landed, so a folder ingested before is not ingested twice.
 */
export function formerGeneration(generation: string): string | undefined {
  const at = generation.indexOf(':');
  if (at <= 0 || !/^-?\d+:\d+$/.test(generation)) return undefined;
  return generation.slice(0, at);
}

/** A local file's generation as {@link localGeneration} writes it, or as it was before (the time alone). */
export function isLocalGeneration(generation: string): boolean {
  return /^-?\d{1,24}(:\d{1,20})?$/.test(generation);
}

/**
 * A Cloud Storage object generation: a positive 64-bit integer in decimal. A notification naming
 * anything else is refused: read with it, a source may serve the live version under a key the
 * ledger never saw, and land the file a second time.
 */
export function isObjectGeneration(generation: string): boolean {
  return /^[1-9]\d{0,18}$/.test(generation) && BigInt(generation) <= 9223372036854775807n;
}
