/**
 * A guard for object downloads: when the server goes away in the middle of a response, the
 * Storage client's read stream can wait for data forever instead of failing (seen with a
 * Cloud Storage emulator killed mid-read). Each wait for the next chunk is bounded; the time the
 * consumer spends on a chunk is not counted. A stalled read fails as a transient error, so the
 * caller (the function, the backfill) retries the whole file.
 */
import { TransientError } from '../core/errors.js';

/** Default longest wait for the next chunk: GCS_READ_IDLE_MS, else 60 s. */
export function defaultReadIdleMs(env: NodeJS.ProcessEnv = process.env): number {
  const v = Number(env.GCS_READ_IDLE_MS);
  return Number.isFinite(v) && v >= 100 ? v : 60_000;
}

/** Yields the chunks of `stream`; throws a TransientError when one takes longer than `idleMs` to come. */
export async function* idleGuarded<T>(
  stream: AsyncIterable<T> & { destroy(error?: Error): void },
  idleMs: number,
  where: string,
): AsyncGenerator<T> {
  const it = stream[Symbol.asyncIterator]();
  for (;;) {
    let timer: NodeJS.Timeout | undefined;
    const stalled = new Promise<'stalled'>((resolve) => {
      timer = setTimeout(() => resolve('stalled'), idleMs);
    });
    const r = await Promise.race([it.next(), stalled]).finally(() => clearTimeout(timer));
    if (r === 'stalled') {
      const error = new TransientError(`${where}: no data for ${idleMs} ms; the read was abandoned (connection lost?)`);
      stream.destroy(error);
      throw error;
    }
    if (r.done === true) return;
    yield r.value;
  }
}
