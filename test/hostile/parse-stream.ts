/**
 * Hostile-input helpers: a parse that counts rows instead of keeping them (a million rows stay
 * cheap), and byte streams generated piece by piece, so a 100 MB input never exists as one buffer.
 */
import { parseEvents, type ParseOptions } from '../../src/core/parse/event-parser.js';
import type { FileContext } from '../../src/core/parse/file-context.js';
import type { EventRow } from '../../src/core/schema/rows.js';

export const CTX: FileContext = {
  bucket: 'hostile',
  name: 'data_type=json/analytics_environment=live/event_category=hostile/event_ds=2026-03-01/event_time=0-8/s/f',
  filePath: 'gs://hostile/f',
  generation: '1',
  jobName: 'hostile-test',
  insertedAt: 0n,
};

export interface Tally {
  /** Events; past `keep` only counted. */
  events: EventRow[];
  eventCount: number;
  /** Debug texts; past `keep` only counted. */
  debug: string[];
  debugCount: number;
  batches: number;
  /** Rows in the biggest batch. */
  biggestBatch: number;
}

export async function parseAll(
  bytes: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  options?: ParseOptions,
  keep = 100,
): Promise<Tally> {
  const t: Tally = { events: [], eventCount: 0, debug: [], debugCount: 0, batches: 0, biggestBatch: 0 };
  for await (const batch of parseEvents(bytes, CTX, options)) {
    t.batches++;
    t.biggestBatch = Math.max(t.biggestBatch, batch.events.length + batch.debug.length);
    for (const row of batch.events) {
      if (t.events.length < keep) t.events.push(row);
      t.eventCount++;
    }
    for (const row of batch.debug) {
      if (t.debug.length < keep) t.debug.push(row.event ?? '');
      t.debugCount++;
    }
  }
  return t;
}

/** `total` bytes of `fill`, in 1 MiB chunks, made once and reused. */
export function* repeated(fill: string, total: number): Generator<Uint8Array> {
  const unit = Buffer.from(fill);
  const chunk = Buffer.alloc(Math.max(unit.length, Math.floor((1 << 20) / unit.length) * unit.length), unit);
  let left = total;
  while (left > 0) {
    const n = Math.min(left, chunk.length);
    yield chunk.subarray(0, n);
    left -= n;
  }
}

/** Pieces in order: strings, buffers or generators of buffers. */
export function* stream(...parts: (string | Uint8Array | Iterable<Uint8Array>)[]): Generator<Uint8Array> {
  for (const p of parts) {
    if (typeof p === 'string') yield Buffer.from(p);
    else if (p instanceof Uint8Array) yield p;
    else yield* p;
  }
}

export const MiB = 1024 * 1024;
