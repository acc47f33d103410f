/**
 * Gzip (RFC 1952) inflated member by member: each header is read here and each deflate body goes
 * through `zlib.createInflateRaw`, which says exactly where the body ended. Unlike `createGunzip`,
 * this keeps all the content of the last member when bytes that are not gzip follow it. (Gunzip
 * fails on those bytes and drops the output of its last step.)
 */
import { createInflateRaw, crc32 } from 'node:zlib';

/** Something wrong with the bytes themselves; it becomes one debug row after the text read so far. */
export interface DecodeProblem {
  message: string;
  /** Reading stopped at a point of our choosing, so the text yielded last ends mid-line: drop that line. */
  cut: boolean;
}

/** Compressed bytes written to the inflater at a time: bounds the output of one step. */
const WRITE_BYTES = 16 * 1024;
const INFLATE_CHUNK_BYTES = 64 * 1024;

/** Pull-based reading of an async byte source, with push-back. */
class ByteReader {
  private readonly stash: Uint8Array[] = [];
  constructor(private readonly it: AsyncIterator<Uint8Array>) {}

  async chunk(): Promise<Uint8Array | undefined> {
    const s = this.stash.pop();
    if (s !== undefined) return s;
    for (;;) {
      const r = await this.it.next();
      if (r.done === true) return undefined;
      if (r.value.length > 0) return r.value;
    }
  }

  /** Gives bytes back; the last given back is read first. */
  unshift(bytes: Uint8Array): void {
    if (bytes.length > 0) this.stash.push(bytes);
  }

  /** `n` bytes, or fewer when the source ends first. */
  async bytes(n: number): Promise<Uint8Array> {
    const parts: Uint8Array[] = [];
    let have = 0;
    while (have < n) {
      const c = await this.chunk();
      if (c === undefined) break;
      const take = Math.min(c.length, n - have);
      parts.push(c.subarray(0, take));
      this.unshift(c.subarray(take));
      have += take;
    }
    return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
  }

  /** Skips up to and including the next zero byte; false when the source ends first. */
  async skipPastZero(): Promise<boolean> {
    for (let c = await this.chunk(); c !== undefined; c = await this.chunk()) {
      const at = c.indexOf(0);
      if (at >= 0) {
        this.unshift(c.subarray(at + 1));
        return true;
      }
    }
    return false;
  }

  /** Skips zero bytes; false when nothing else follows. */
  async skipZeros(): Promise<boolean> {
    for (let c = await this.chunk(); c !== undefined; c = await this.chunk()) {
      let i = 0;
      while (i < c.length && c[i] === 0) i++;
      if (i < c.length) {
        this.unshift(c.subarray(i));
        return true;
      }
    }
    return false;
  }
}

/** Reads one member header; returns a problem text, or undefined when it was read whole. */
async function readHeader(r: ByteReader): Promise<string | undefined> {
  const magic = await r.bytes(2);
  if (magic[0] !== 0x1f || magic[1] !== 0x8b)
    return 'bytes after the last gzip member are not gzip data; they were ignored';
  const h = await r.bytes(8);
  if (h.length < 8) return 'unexpected end of file in a gzip header';
  if (h[0] !== 8) return `unknown compression method ${h[0]}`;
  const flags = h[1] ?? 0;
  if (flags & 4) {
    const x = await r.bytes(2);
    const len = (x[0] ?? 0) | ((x[1] ?? 0) << 8);
    if (x.length < 2 || (await r.bytes(len)).length < len) return 'unexpected end of file in a gzip header';
  }
  if (flags & 8 && !(await r.skipPastZero())) return 'unexpected end of file in a gzip header';
  if (flags & 16 && !(await r.skipPastZero())) return 'unexpected end of file in a gzip header';
  if (flags & 2 && (await r.bytes(2)).length < 2) return 'unexpected end of file in a gzip header';
  return undefined;
}

const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

type Inflater = ReturnType<typeof createInflateRaw>;

/** Runs one write or end on the inflater and waits until it is done, failed or closed. */
function step(inflater: Inflater, action: (done: () => void) => void): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      inflater.off('error', done);
      inflater.off('close', done);
      resolve();
    };
    inflater.on('error', done);
    inflater.on('close', done);
    action(done);
  });
}

/**
 * The inflated content of every member; returns what was wrong with the bytes when something was
 * (reading stops there), never throws it (a failure of the source itself is thrown).
 */
export async function* gunzipMembers(
  it: AsyncIterator<Uint8Array>,
  maxBytes: number,
): AsyncGenerator<Uint8Array, DecodeProblem | undefined> {
  const r = new ByteReader(it);
  const stop = (message: string, cut = false): DecodeProblem => ({ message: `gzip: ${message}`, cut });
  let total = 0;
  for (let member = 0; ; member++) {
    if (member > 0 && !(await r.skipZeros())) return undefined; // zero padding after the last member is fine
    const headerProblem = await readHeader(r);
    if (headerProblem !== undefined) return stop(headerProblem);

    const inflater = createInflateRaw({ chunkSize: INFLATE_CHUNK_BYTES });
    const out: Buffer[] = [];
    let ended = false;
    let error: Error | undefined;
    inflater.on('data', (b: Buffer) => out.push(b));
    inflater.on('end', () => (ended = true));
    inflater.on('error', (e: Error) => (error = e));
    let crc = 0;
    let size = 0;
    try {
      let fed = 0;
      let sourceEnded = false;
      while (!ended && error === undefined && !sourceEnded) {
        const c = await r.chunk();
        const slices: Uint8Array[] = [];
        if (c === undefined) sourceEnded = true;
        else for (let at = 0; at < c.length; at += WRITE_BYTES) slices.push(c.subarray(at, at + WRITE_BYTES));
        if (sourceEnded) slices.push(new Uint8Array(0)); // one last step: end the inflater
        for (let k = 0; k < slices.length && !ended && error === undefined; k++) {
          const slice = slices[k]!;
          if (sourceEnded) await step(inflater, (done) => inflater.end(done));
          else await step(inflater, (done) => inflater.write(slice, done));
          fed += slice.length;
          await settle(); // lets the output of this step arrive
          // Once the body has ended the inflater takes no more input: a write it did not consume
          // in full says exactly that, and where (whatever the timing of its 'end' event).
          if (inflater.bytesWritten < fed) ended = true;
          if (ended && !sourceEnded) {
            // The body ended inside this slice: give back what it did not use, in order.
            for (let j = slices.length - 1; j > k; j--) r.unshift(slices[j]!);
            r.unshift(slice.subarray(slice.length - (fed - inflater.bytesWritten)));
          }
          for (const b of out.splice(0)) {
            crc = crc32(b, crc);
            size += b.length;
            total += b.length;
            if (total > maxBytes) {
              yield b.subarray(0, b.length - (total - maxBytes));
              const why = `the content inflates to more than maxInflatedBytes (${maxBytes} bytes)`;
              return stop(`${why}; the rest of the file was not read`, true);
            }
            yield b;
          }
        }
      }
      if (error !== undefined || !ended) {
        const reason = error?.message ?? 'unexpected end of file';
        return stop(`${reason} after ${total} bytes of content; the rest of the file was not read`);
      }
    } finally {
      inflater.destroy();
    }
    const trailer = await r.bytes(8);
    if (trailer.length < 8)
      return stop(`unexpected end of file after ${total} bytes of content; the rest of the file was not read`);
    const view = new DataView(trailer.buffer, trailer.byteOffset, 8);
    if (view.getUint32(0, true) !== crc >>> 0 || view.getUint32(4, true) !== size % 2 ** 32) {
      return stop(
        `member ${member + 1} fails its CRC or length check (its content may be corrupt); the rest of the file was not read`,
      );
    }
  }
}
