import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { UserError } from '../core/errors.js';

/** The largest run record read: about 15 million files' lines (a line is 150-300 bytes). */
export const MAX_RECORD_BYTES = 4 * 1024 ** 3;
/** The longest line a record holds: a name (GCS: 1,024 bytes) and an error message, with room. */
export const MAX_RECORD_LINE = 1024 * 1024;

/**
 * The lines of a run record, read a chunk at a time: memory holds one line whatever the file's
 * size. Only a regular file is read (a FIFO, a device, or a link to one is refused without
 * blocking), of at most {@link MAX_RECORD_BYTES}; a line longer than {@link MAX_RECORD_LINE} is
 * refused as damage. Every refusal is a {@link UserError} naming the file.
 */
export function* recordLines(path: string): Generator<string> {
  const refuse = (why: string) =>
    new UserError(
      `run record ${path} ${why}`,
      'It cannot be resumed: run the backfill again with its flags (files already landed are skipped).',
      2,
    );
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    throw refuse(`cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  try {
    const info = fstatSync(fd);
    if (!info.isFile()) throw refuse('is not a regular file');
    if (info.size > MAX_RECORD_BYTES) throw refuse(`is larger than ${MAX_RECORD_BYTES / 1024 ** 3} GiB`);
    const chunk = Buffer.allocUnsafe(256 * 1024);
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    let total = 0;
    for (;;) {
      const n = readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      total += n;
      if (total > MAX_RECORD_BYTES) throw refuse(`grew past ${MAX_RECORD_BYTES / 1024 ** 3} GiB while read`);
      let start = 0;
      for (let nl = chunk.indexOf(10, 0); nl !== -1 && nl < n; nl = chunk.indexOf(10, start)) {
        const piece = chunk.subarray(start, nl);
        if (pendingBytes + piece.length > MAX_RECORD_LINE) throw refuse('has a line longer than 1 MiB');
        yield pendingBytes === 0
          ? piece.toString('utf8')
          : Buffer.concat([...pending, piece], pendingBytes + piece.length).toString('utf8');
        pending = [];
        pendingBytes = 0;
        start = nl + 1;
      }
      if (start < n) {
        pendingBytes += n - start;
        if (pendingBytes > MAX_RECORD_LINE) throw refuse('has a line longer than 1 MiB');
        pending.push(Buffer.from(chunk.subarray(start, n)));
      }
    }
    if (pendingBytes > 0) yield Buffer.concat(pending, pendingBytes).toString('utf8');
  } finally {
    closeSync(fd);
  }
}
