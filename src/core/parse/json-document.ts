/**
 * Contract §2.3: content that is one JSON array or object, possibly pretty-printed. A small scanner
 * aware of strings and nesting finds where each top-level array element (or the object) ends, so an
 * array streams element by element and only one candidate's text is ever held.
 */
import type { CandidateSink } from './candidate-sink.js';
import { trimJsonSpace, utf8Exceeds } from '../text-limits.js';

/**
 * `open`: needs more text. `done`: the document ended; `rest` is the text after it.
 * `failed`: it is not a well-formed document after all; `rest` is the text from where nothing has
 * been taken yet (the document's start if nothing was), to be read as NDJSON lines.
 */
export type DocumentState = { state: 'open' } | { state: 'paused' } | { state: 'done' | 'failed'; rest: string };

const OPEN: DocumentState = { state: 'open' };
/** A full batch of rows waits (`CandidateSink.holdsFull`): `push('')` goes on from here. */
const PAUSED: DocumentState = { state: 'paused' };

export class JsonDocument {
  /** Text from the first character not yet taken (the document's start until an element is taken). */
  private buf = '';
  private pos = 0;
  private depth = 0;
  private inString = false;
  private escaped = false;
  /** Array: where the current element starts in `buf`. */
  private elementStart = 1;
  private tookAny = false;
  private isArray: boolean | undefined;
  /** UTF-8 bytes of the current element (an array) or of the object so far, as of the last scan. */
  private elementBytes = 0;

  constructor(
    private readonly sink: CandidateSink,
    private readonly maxBytes: number,
  ) {}

  /**
   * More text (or `''` to go on after a pause); the first text given starts with `[` or `{`. Only
   * the text not yet scanned is read (`buf` grows as a rope, flattened once a candidate is taken
   * from it), and its bytes are counted as it comes: re-reading the text so far on every piece made
   * an 11 MiB object in 1 KiB pieces take 50 s.
   */
  push(text: string): DocumentState {
    const from = this.pos;
    const tail = from === this.buf.length ? text : this.buf.slice(from) + text;
    this.buf += text;
    this.isArray ??= tail.charCodeAt(0) === 91;
    return this.isArray ? this.scanArray(tail, from) : this.scanObject(tail, from);
  }

  /** The text ended inside the document. */
  end(): DocumentState {
    return { state: 'failed', rest: this.buf };
  }

  /** Scans `tail`, the text of `buf` from `from` on. */
  private scanArray(tail: string, from: number): DocumentState {
    const buf = this.buf;
    let depth = this.depth;
    let inString = this.inString;
    let escaped = this.escaped;
    for (let j = 0; j < tail.length; j++) {
      const c = tail.charCodeAt(j);
      const i = from + j;
      if (inString) {
        if (escaped) escaped = false;
        else if (c === 92) escaped = true;
        else if (c === 34) inString = false;
        continue;
      }
      if (c === 34) inString = true;
      else if (c === 123 || c === 91) depth++;
      else if (c === 125 || c === 93) {
        if (depth > 1) depth--;
        else if (c === 93) {
          if (!this.element(buf.slice(this.elementStart, i))) return this.failed(buf);
          return { state: 'done', rest: buf.slice(i + 1) };
        } // a stray `}` at the top stays in the element, whose parse then fails
      } else if (c === 44 && depth === 1) {
        if (!this.element(buf.slice(this.elementStart, i))) return this.failed(buf);
        this.elementStart = i + 1;
        if (this.sink.holdsFull()) {
          // The rest of a long text stays as it is: cutting it here would copy it once per pause.
          this.depth = depth;
          this.inString = false;
          this.escaped = false;
          this.pos = i + 1;
          return PAUSED;
        }
      }
    }
    this.depth = depth;
    this.inString = inString;
    this.escaped = escaped;
    // The current element's bytes: counted from its start if it starts in this text, else this text's more.
    this.elementBytes =
      this.elementStart >= from
        ? Buffer.byteLength(tail.slice(this.elementStart - from))
        : this.elementBytes + Buffer.byteLength(tail);
    if (this.tookAny && this.elementStart > 0) {
      // Forget what was taken: only the current element's text is kept.
      this.buf = buf.slice(this.elementStart);
      this.elementStart = 0;
    }
    this.pos = this.buf.length;
    // Only the current element's text is held (plus, before the first element, the `[` and any empty ones).
    if (this.elementStart > this.maxBytes || this.elementBytes > this.maxBytes) return this.failed(this.buf);
    return OPEN;
  }

  /** Not a well-formed document (or an element too long): NDJSON from the first untaken character. */
  private failed(buf: string): DocumentState {
    return { state: 'failed', rest: this.tookAny ? buf.slice(this.elementStart) : buf };
  }

  /** Takes one element's text; false when it is too long to take. */
  private element(raw: string): boolean {
    if (utf8Exceeds(raw, this.maxBytes)) return false;
    const text = trimJsonSpace(raw);
    if (text === '') return true; // `[]`, or a trailing comma
    this.tookAny = true;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      this.sink.reject(text);
      return true;
    }
    this.sink.candidate(value, text, -1);
    return true;
  }

  /** Scans `tail`, the text of `buf` from `from` on. */
  private scanObject(tail: string, from: number): DocumentState {
    const buf = this.buf;
    let depth = this.depth;
    let inString = this.inString;
    let escaped = this.escaped;
    for (let j = 0; j < tail.length; j++) {
      const c = tail.charCodeAt(j);
      const i = from + j;
      if (inString) {
        if (escaped) escaped = false;
        else if (c === 92) escaped = true;
        else if (c === 34) inString = false;
        continue;
      }
      if (c === 34) inString = true;
      else if (c === 123 || c === 91) depth++;
      else if ((c === 125 || c === 93) && --depth === 0) {
        const text = buf.slice(0, i + 1);
        if (utf8Exceeds(text, this.maxBytes)) return { state: 'failed', rest: buf };
        let value: unknown;
        try {
          value = JSON.parse(text);
        } catch {
          return { state: 'failed', rest: buf };
        }
        this.sink.candidate(value, text, -1);
        return { state: 'done', rest: buf.slice(i + 1) };
      }
    }
    this.depth = depth;
    this.inString = inString;
    this.escaped = escaped;
    this.pos = buf.length;
    this.elementBytes += Buffer.byteLength(tail);
    if (this.elementBytes > this.maxBytes) return { state: 'failed', rest: buf };
    return OPEN;
  }
}
