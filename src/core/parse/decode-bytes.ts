/**
 * Bytes to text (contract §2.1–2.2): gzip recognised by its magic bytes and inflated as a stream,
 * UTF-8 with U+FFFD for invalid sequences, a leading BOM dropped, `\r\n` turned into `\n`.
 */
import { gunzipMembers, type DecodeProblem } from './gzip-members.js';

export type { DecodeProblem };

export interface DecodeOptions {
  /** Stop inflating a gzip file past this many bytes of content. */
  maxInflatedBytes: number;
}

/** Text is decoded this many bytes at a time, so one huge input chunk never becomes one huge string. */
const SLICE_BYTES = 256 * 1024;

/** Whether bytes start with the gzip magic `1f 8b`. */
export function isGzip(head: Uint8Array): boolean {
  return head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
}

/**
 * The file's text, in pieces of at most SLICE_BYTES bytes' worth; returns what was wrong with the
 * bytes, if anything, rather than throwing it. Only a failure of `bytes` itself (the source) is thrown.
 */
export async function* decodeText(
  bytes: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  options: DecodeOptions,
): AsyncGenerator<string, DecodeProblem | undefined> {
  const it = Symbol.asyncIterator in bytes ? bytes[Symbol.asyncIterator]() : syncToAsync(bytes[Symbol.iterator]());
  try {
    let head: Uint8Array = new Uint8Array(0);
    let done = false;
    while (head.length < 2) {
      const r = await it.next();
      if (r.done === true) {
        done = true;
        break;
      }
      head = head.length === 0 ? r.value : concat(head, r.value);
    }
    const source = withHead(head, done ? undefined : it);
    const text = new TextNormaliser();
    const chunks = isGzip(head) ? gunzipMembers(source, options.maxInflatedBytes) : source;
    let problem: DecodeProblem | undefined;
    try {
      for (;;) {
        const r = await chunks.next();
        if (r.done === true) {
          problem = r.value ?? undefined;
          break;
        }
        const chunk = r.value;
        for (let at = 0; at < chunk.length; at += SLICE_BYTES) {
          const s = text.push(chunk.subarray(at, Math.min(chunk.length, at + SLICE_BYTES)));
          if (s !== '') yield s;
        }
      }
    } finally {
      await chunks.return(undefined);
    }
    const last = text.end();
    if (last !== '') yield last;
    return problem;
  } finally {
    await it.return?.();
  }
}

/**
 * A whole file's text at once: the pieces {@link decodeText} yields for the same bytes given as one
 * chunk; `undefined` when the bytes are gzip, which are inflated only as a stream.
 */
export function decodeWhole(bytes: Uint8Array): string[] | undefined {
  if (isGzip(bytes)) return undefined;
  const text = new TextNormaliser();
  const pieces: string[] = [];
  for (let at = 0; at < bytes.length; at += SLICE_BYTES) {
    const s = text.push(bytes.subarray(at, Math.min(bytes.length, at + SLICE_BYTES)));
    if (s !== '') pieces.push(s);
  }
  const last = text.end();
  if (last !== '') pieces.push(last);
  return pieces;
}

function syncToAsync(it: Iterator<Uint8Array>): AsyncIterator<Uint8Array> {
  return {
    next: () => Promise.resolve(it.next()),
    return: () => Promise.resolve(it.return?.() ?? { done: true, value: undefined }),
  };
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

async function* withHead(head: Uint8Array, rest: AsyncIterator<Uint8Array> | undefined): AsyncGenerator<Uint8Array> {
  if (head.length > 0) yield head;
  if (rest === undefined) return;
  for (;;) {
    const r = await rest.next();
    if (r.done === true) return;
    yield r.value;
  }
}

/** UTF-8 (U+FFFD for bad sequences, leading BOM dropped) with `\r\n` as `\n`, across chunk edges. */
class TextNormaliser {
  private readonly decoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: false });
  private pendingCR = false;

  push(bytes: Uint8Array): string {
    return this.normalise(this.decoder.decode(bytes, { stream: true }), false);
  }

  end(): string {
    return this.normalise(this.decoder.decode(), true);
  }

  private normalise(s: string, last: boolean): string {
    if (this.pendingCR) {
      s = `\r${s}`;
      this.pendingCR = false;
    }
    if (!s.includes('\r')) return s;
    if (!last && s.endsWith('\r')) {
      this.pendingCR = true;
      s = s.slice(0, -1);
    }
    return s.replaceAll('\r\n', '\n');
  }
}
