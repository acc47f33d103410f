import { closeSync, openSync, readdirSync, readSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The bucket of the newest run record in `recordDir`, to prefill the source step. Reads only the
 * first line of one file; any problem (no folder, no records, torn header) means no suggestion.
 */
export function lastRunBucket(recordDir: string): string | undefined {
  try {
    const newest = readdirSync(recordDir)
      .filter((n) => n.endsWith('.ndjson') && !n.startsWith('.'))
      .sort()
      .at(-1);
    if (newest === undefined) return undefined;
    const fd = openSync(join(recordDir, newest), 'r');
    try {
      const buffer = Buffer.alloc(64 * 1024);
      const read = readSync(fd, buffer, 0, buffer.length, 0);
      const first = buffer.subarray(0, read).toString('utf8').split('\n')[0] ?? '';
      const header = JSON.parse(first) as { type?: string; request?: { bucket?: unknown } };
      return header.type === 'start' && typeof header.request?.bucket === 'string' ? header.request.bucket : undefined;
    } finally {
      closeSync(fd);
    }
  } catch {
    return undefined;
  }
}
