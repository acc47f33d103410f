/**
 * Contract §2.3–2.4: which text is one whole JSON document and which is NDJSON.
 *
 * The first non-blank line decides: if it starts with `[` or `{` and is not valid JSON on its own, a
 * document starts there and is scanned as a stream (JsonDocument). Otherwise, and for good once a
 * document turns out malformed, every line is parsed on its own (NdjsonLines). After a complete
 * document, the text that follows (if any is not blank) is decided afresh the same way.
 */
import type { CandidateSink } from './candidate-sink.js';
import { JsonDocument } from './json-document.js';
import { NdjsonLines } from './ndjson-lines.js';
import { isJsonSpace, utf8Exceeds } from '../text-limits.js';

export interface SplitOptions {
  /** Longest line, array element or whole-document object, in UTF-8 bytes. */
  maxLineBytes: number;
}

export class CandidateSplitter {
  private mode: 'detect' | 'lines' | 'document' = 'detect';
  /** Detect mode: text from the first non-blank character on. */
  private head = '';
  /** Detect mode: UTF-8 bytes of `head` (it holds no newline). */
  private headBytes = 0;
  /** Detect mode: the spaces before `head` on its line. */
  private indent = '';
  /**
   * Detect mode: a document just ended and no newline has come since. A `{` or `[` next on the same
   * line starts the next document at once (`{…}{…}`, or records split only by `\r`): deciding it
   * by its line would scan the rest of that line once per record, quadratic in the line's length.
   */
  private sameLine = false;
  /** Detect mode, a head starting with `{`: the scan of its first object, piece by piece. */
  private first = new FirstObject();
  private readonly lines: NdjsonLines;
  private document: JsonDocument | undefined;
  /** The document stopped at a full batch: `resume` goes on. */
  private documentPaused = false;

  constructor(
    private readonly sink: CandidateSink,
    private readonly options: SplitOptions,
  ) {
    this.lines = new NdjsonLines(sink, options.maxLineBytes);
  }

  push(text: string): void {
    this.run(text, false);
  }

  /**
   * Goes on after a full batch stopped a long text (`CandidateSink.holdsFull`); false when
   * nothing was waiting. Call it until false before the next `push`.
   */
  resume(): boolean {
    if (this.mode === 'lines' && this.lines.isPaused) {
      const array = this.lines.resume();
      if (array !== undefined) this.run(this.streamArray(array), false);
      return true;
    }
    if (this.mode === 'document' && this.documentPaused) {
      this.run('', true);
      return true;
    }
    return false;
  }

  private run(text: string, resuming: boolean): void {
    while (text !== '' || resuming) {
      if (this.mode === 'lines') {
        const array = this.lines.push(text);
        if (array === undefined) return;
        text = this.streamArray(array);
        continue;
      }
      if (this.mode === 'detect') {
        text = this.detect(text);
        continue;
      }
      resuming = false;
      const state = this.document!.push(text);
      this.documentPaused = state.state === 'paused';
      if (state.state === 'open' || state.state === 'paused') return;
      this.document = undefined;
      this.mode = state.state === 'done' ? 'detect' : 'lines';
      this.sameLine = state.state === 'done';
      // What a failed document hands back is read as a line: never streamed again (no loop).
      if (state.state === 'failed') this.lines.keepNextLine = true;
      text = state.rest;
    }
  }

  /** A line holding an array too long to parse at once: its elements stream, as a first line's do. */
  private streamArray(array: string): string {
    this.mode = 'document';
    let i = 0;
    while (isJsonSpace(array.charCodeAt(i))) i++;
    this.document = new JsonDocument(this.sink, this.options.maxLineBytes);
    return array.slice(i);
  }

  /** The text ended. `discardPartial`: the reader stopped mid-text, drop whatever is unfinished. */
  end(discardPartial: boolean): void {
    while (this.resume());
    if (discardPartial) {
      this.lines.end(true);
    } else {
      this.push('\n'); // completes a last line without one; blank for a document
      while (this.resume());
      // A document the text ended inside: what it did not take is read as lines, through the same
      // steps as any text (an array line there may stream, and stop at full batches, in turn).
      while (this.mode === 'document') {
        const state = this.document!.end();
        this.document = undefined;
        this.documentPaused = false;
        this.mode = 'lines';
        if ('rest' in state) {
          this.lines.keepNextLine = true;
          this.run(state.rest, false);
          while (this.resume());
        }
      }
      this.lines.end(false);
    }
    this.mode = 'detect';
    this.head = '';
    this.headBytes = 0;
    this.first = new FirstObject();
    this.indent = '';
    this.sameLine = false;
    this.document = undefined;
    this.documentPaused = false;
  }

  /** Detect mode: consumes text, may switch mode; returns the text the new mode should read. */
  private detect(text: string): string {
    if (this.head === '') {
      let i = 0;
      while (i < text.length && isJsonSpace(text.charCodeAt(i))) i++;
      const lineStart = text.lastIndexOf('\n', i - 1) + 1;
      // Blank lines are dropped; the spaces that start the first non-blank line are kept for it.
      this.indent = lineStart > 0 ? text.slice(lineStart, i) : this.indent + text.slice(0, i);
      if (lineStart > 0) this.sameLine = false; // a newline came before the next text
      if (i === text.length) return '';
      text = i === 0 ? text : text.slice(i);
      const c = text.charCodeAt(0);
      if (this.sameLine && (c === 91 || c === 123)) {
        this.sameLine = false;
        this.head = text;
        return this.start('document');
      }
      this.sameLine = false;
      if (c !== 91 && c !== 123) {
        this.mode = 'lines';
        return this.takeIndent() + text;
      }
    }
    // Only the new text is searched: `indexOf` on the whole head flattened it on every piece, so a
    // first line arriving in small pieces (a CR-only file read from GCS) was quadratic in its length.
    const at = text.indexOf('\n');
    const nl = at === -1 ? -1 : this.head.length + at;
    this.head += text;
    // `{…}` with more after it on the line is not valid JSON alone, whatever follows: a document,
    // decided now instead of holding the line (a CR-only file's first line is the whole file).
    if (nl === -1 && this.head.charCodeAt(0) === 123 && this.first.moreAfter(text)) return this.start('document');
    if (nl === -1) {
      this.headBytes += Buffer.byteLength(text); // counted as it grows: measuring it whole each time is quadratic
      if (this.headBytes <= this.options.maxLineBytes) return '';
      return this.start('document'); // a first line this long can only be a streamed document
    }
    const first = this.head.slice(0, nl);
    const parsed = utf8Exceeds(first, this.options.maxLineBytes) ? NOT_JSON : parseAlone(first);
    if (parsed === NOT_JSON) return this.start('document');
    // The line reader gets the value with the line: a file of one short line is parsed once, not twice.
    const indent = this.indent;
    const rest = this.start('lines');
    this.lines.parsed(indent + first, parsed);
    return rest;
  }

  private takeIndent(): string {
    const indent = this.indent;
    this.indent = '';
    return indent;
  }

  private start(mode: 'lines' | 'document'): string {
    const indent = this.takeIndent();
    const text = mode === 'lines' ? indent + this.head : this.head;
    this.head = '';
    this.headBytes = 0;
    this.first = new FirstObject();
    this.mode = mode;
    if (mode === 'document') this.document = new JsonDocument(this.sink, this.options.maxLineBytes);
    return text;
  }
}

const NOT_JSON = Symbol('not JSON');

function parseAlone(line: string): unknown {
  try {
    return JSON.parse(line) as unknown;
  } catch {
    return NOT_JSON;
  }
}

/** Scans a first line's text as it arrives: whether its first object ended and more text follows it. */
class FirstObject {
  private depth = 0;
  private inString = false;
  private escaped = false;
  private ended = false;

  moreAfter(text: string): boolean {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (this.ended) {
        if (!isJsonSpace(c)) return true;
      } else if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (c === 92) this.escaped = true;
        else if (c === 34) this.inString = false;
      } else if (c === 34) this.inString = true;
      else if (c === 123 || c === 91) this.depth++;
      else if ((c === 125 || c === 93) && --this.depth === 0) this.ended = true;
    }
    return false;
  }
}
