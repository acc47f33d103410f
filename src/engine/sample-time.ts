import { parseEvents } from '../core/parse/event-parser.js';
import type { Source, SourceObject } from '../ports/source.js';

/** Files the plan keeps aside, chosen uniformly among those to send, to time before a run. */
export const SAMPLE_FILES = 24;

/** A uniform sample of at most `size` items of a stream, in bounded memory (reservoir sampling). */
export class Reservoir<T> {
  readonly items: T[] = [];
  private seen = 0;
  constructor(
    private readonly size: number,
    private readonly random: () => number = Math.random,
  ) {}
  add(item: T): void {
    this.seen++;
    if (this.items.length < this.size) this.items.push(item);
    else {
      const at = Math.floor(this.random() * this.seen);
      if (at < this.size) this.items[at] = item;
    }
  }
}

/**
 * The largest few files to send, kept beside the uniform sample: in a bucket of many small files and
 * a few large ones, a uniform sample holds small ones only, and the forecast (fitted to it) took a
 * run of 1,500 small files and 3 of 40 MiB for 3m18s where it ran 6 s.
 */
export class Largest<T extends { size: number }> {
  readonly items: T[] = [];
  constructor(private readonly size: number) {}
  add(item: T): void {
    if (this.items.length < this.size) this.items.push(item);
    else {
      let at = 0;
      for (let i = 1; i < this.items.length; i++) if (this.items[i]!.size < this.items[at]!.size) at = i;
      if (item.size > this.items[at]!.size) this.items[at] = item;
    }
  }
}

/** The largest files kept beside the uniform sample. */
export const LARGEST_FILES = 3;

/** At most this many bytes of the sample are read and parsed: the forecast costs a fraction of a second. */
const SAMPLE_BYTES = 8 * 1024 * 1024;
/**
 * And at most this long: stored bytes say little of the work when a gzip file inflates a
 * thousandfold (8 bomb files took 30 s), so each file stops at its share of this too. A point is
 * then the stored bytes consumed in the time taken, which is what the forecast scales.
 */
const SAMPLE_SECONDS = 2;
/** Files parsed again and again before the timing, to warm the parser up (not counted). */
const WARM_FILES = 4;

export interface SampleTiming {
  /** Each file read: its bytes read and seconds (a large file is read only in part). */
  points: { bytes: number; seconds: number }[];
}

/**
 * Reads and parses the sample's files as a run would (nothing is written), timing each: what the
 * time forecast of a direct backfill is made from. A file that fails to read is left out.
 */
export async function timeSample(
  source: Source,
  sample: readonly SourceObject[],
  now = () => performance.now(),
): Promise<SampleTiming> {
  const each = Math.max(64 * 1024, Math.floor(SAMPLE_BYTES / Math.max(1, sample.length)));
  const eachMs = (SAMPLE_SECONDS * 1000) / Math.max(1, sample.length);
  const readParse = async (object: SourceObject, max: number, started: number): Promise<number> => {
    let read = 0;
    const ctx = contextOf(source, object);
    const late = () => now() - started >= eachMs;
    const bytes = async function* () {
      for await (const chunk of source.read(object.name, object.generation)) {
        yield chunk;
        read += chunk.length;
        if (read >= max || late()) return;
      }
    };
    for await (const _ of parseEvents(bytes(), ctx)) if (late()) break;
    return read;
  };
  const points: SampleTiming['points'] = [];
  // The parser is compiled as it runs: a few files parsed again and again (in memory, ~50 ms) first,
  // so the timing is of a run's steady state, not of its first files.
  const warm: { object: SourceObject; chunks: Uint8Array[] }[] = [];
  for (const object of sample.slice(0, WARM_FILES)) {
    const chunks: Uint8Array[] = [];
    let n = 0;
    try {
      for await (const chunk of source.read(object.name, object.generation)) {
        chunks.push(chunk);
        if ((n += chunk.length) >= 256 * 1024) break;
      }
      warm.push({ object, chunks });
    } catch {
      // not part of the warm-up
    }
  }
  for (const until = now() + 50; warm.length > 0 && now() < until;) {
    for (const { object, chunks } of warm) {
      const ctx = contextOf(source, object);
      for await (const _ of parseEvents(chunks, ctx)) if (now() >= until) break;
    }
  }
  for (const object of sample) {
    const started = now();
    try {
      const bytes = await readParse(object, each, started);
      points.push({ bytes, seconds: (now() - started) / 1000 });
    } catch {
      // a file that cannot be read tells nothing of the others
    }
  }
  return { points };
}

/**
 * The time to read and parse `files` files of `bytes` in all: a cost per file plus a cost per byte,
 * fitted to the sample (least squares; the average per file when its files are all alike in size).
 */
export function forecastSeconds(timing: SampleTiming, files: number, bytes: number): number | undefined {
  const p = timing.points;
  if (p.length === 0) return undefined;
  const n = p.length;
  const mb = p.reduce((a, x) => a + x.bytes, 0) / n;
  const ms = p.reduce((a, x) => a + x.seconds, 0) / n;
  const sxx = p.reduce((a, x) => a + (x.bytes - mb) ** 2, 0);
  const sxy = p.reduce((a, x) => a + (x.bytes - mb) * (x.seconds - ms), 0);
  let perByte = sxx > 0 ? sxy / sxx : 0;
  let perFile = ms - perByte * mb;
  if (perByte <= 0 || perFile < 0) {
    // Too alike (or too noisy) to tell the two apart: all of it per byte, or per file for empty files.
    perByte = mb > 0 ? ms / mb : 0;
    perFile = mb > 0 ? 0 : ms;
  }
  return perFile * files + perByte * bytes;
}

/** The file context the parser needs for a sampled file (nothing it makes is written). */
function contextOf(source: Source, object: SourceObject) {
  const filePath = source.filePath(object.name);
  return {
    bucket: source.bucket,
    name: object.name,
    filePath,
    generation: object.generation,
    jobName: 'sample',
    insertedAt: 0n,
  };
}
