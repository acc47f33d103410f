import { closeSync, fstatSync, readSync, type BigIntStats } from 'node:fs';
import { PermanentFileError } from '../../core/errors.js';
import { localGeneration } from '../../core/layout/file-generation.js';

/** Reads at most this much at once: a small file in one read, a large one streamed in bounded memory. */
const READ_CHUNK = 1 << 20;

/** A local file's generation (core/layout/file-generation.ts), as listed. */
export const generationOf = (s: BigIntStats): string => localGeneration(s.mtimeNs, s.size);

/**
 * An open file's bytes, then closes it, tied to the version that was listed: the file must be
 * a regular file with the listed generation when opened, and unchanged (same size and time) once
 * read. A file appended to, truncated or rewritten after listing fails (nothing of it lands) and is
 * picked up, whole, by the next backfill under its new generation. Reads are synchronous: most event
 * files are a few KiB, and for those a thread-pool round trip per call costs more than the reading.
 */
export async function* readFile(fd: number, where: string, generation?: string): AsyncGenerator<Uint8Array> {
  try {
    const before = openedAsListed(fd, where, generation);
    let left = Number(before.size);
    while (left > 0) {
      const buffer = Buffer.allocUnsafe(Math.min(left, READ_CHUNK));
      const bytesRead = readSync(fd, buffer, 0, buffer.length, null);
      if (bytesRead === 0) throw changed(where, 'was truncated while being read');
      left -= bytesRead;
      yield buffer.subarray(0, bytesRead);
    }
    unchangedSince(fd, where, before);
  } finally {
    closeSync(fd);
  }
}

/**
 * An open file's bytes at once, then closes it, under the same rules as {@link readFile}; `undefined`
 * (nothing read) when it holds more than `atMost` bytes: that one is streamed instead.
 */
export function readWholeFile(
  fd: number,
  where: string,
  generation: string | undefined,
  atMost: number,
): Uint8Array | undefined {
  try {
    const before = openedAsListed(fd, where, generation);
    const size = Number(before.size);
    if (size > atMost) return undefined;
    const buffer = Buffer.allocUnsafe(size);
    for (let at = 0; at < size;) {
      const bytesRead = readSync(fd, buffer, at, size - at, null);
      if (bytesRead === 0) throw changed(where, 'was truncated while being read');
      at += bytesRead;
    }
    unchangedSince(fd, where, before);
    return buffer;
  } finally {
    closeSync(fd);
  }
}

/** The open file's status, once it is known to be a regular file of the listed generation. */
function openedAsListed(fd: number, where: string, generation: string | undefined): BigIntStats {
  const before = fstatSync(fd, { bigint: true });
  if (!before.isFile())
    throw new PermanentFileError(
      `${where} is not a regular file (${before.isDirectory() ? 'a folder' : 'a FIFO, socket or device'})`,
    );
  if (generation !== undefined && generationOf(before) !== generation)
    throw changed(where, 'changed since it was listed');
  return before;
}

/** Throws unless the file still has the size and time it had before it was read. */
function unchangedSince(fd: number, where: string, before: BigIntStats): void {
  const after = fstatSync(fd, { bigint: true });
  if (after.size !== before.size || after.mtimeNs !== before.mtimeNs) throw changed(where, 'changed while being read');
}

function changed(where: string, what: string): PermanentFileError {
  return new PermanentFileError(
    `${where} ${what}: nothing of it was written; the next backfill picks up its new version`,
  );
}
