/**
 * Contract §2.4: every non-blank line parsed on its own. Text arrives in pieces; lines are cut
 * synchronously with `indexOf`, so there is no per-line async work.
 */
import type { CandidateSink } from './candidate-sink.js';
import { PREVIEW_CHARS, isBlank, isJsonSpace, truncatedText, utf8Exceeds } from '../text-limits.js';

export class NdjsonLines {
  /** The current line's text so far (no newline seen yet). */
  private carry = '';
  /** UTF-8 bytes of `carry`, counted as it grows (measuring it whole on every piece is quadratic). */
  private carryBytes = 0;
  /** Once the current line passed the limit: its start, kept for the debug row; the rest is skipped. */
  private overlong: string | undefined;
  /** Whether the line past the limit held only whitespace so far: a blank line is skipped, however long. */
  private overlongBlank = false;
  /**
   * Set by the splitter when a streamed array failed: the line it hands back is read as a line,
   * never handed over again.
   */
  keepNextLine = false;
  /** An array line whose elements stopped at a full batch: where they resume, and the text after the line. */
  private paused: { value: unknown[]; source: string; next: number; after: string } | undefined;

  /** A line the splitter already parsed (the first line it decided by), and its value. */
  private known: { line: string; value: unknown } | undefined;

  constructor(
    private readonly sink: CandidateSink,
    private readonly maxLineBytes: number,
  ) {}

  /**
   * Reads more text. Returns the text from the start of a line that holds an array longer than
   * the limit (its rest included): the caller streams it as a document, so its elements are
   * candidates as the contract says, instead of one truncated debug row.
   */
  push(text: string): string | undefined {
    let start = 0;
    let nl = text.indexOf('\n');
    if (this.overlong !== undefined) {
      if (this.overlongBlank && !isBlank(nl === -1 ? text : text.slice(0, nl))) this.overlongBlank = false;
      if (nl === -1) return undefined;
      this.flushOverlong();
      start = nl + 1;
      nl = text.indexOf('\n', start);
    } else if (this.carry !== '') {
      if (nl === -1) {
        this.carry += text;
        this.carryBytes += Buffer.byteLength(text);
        return this.checkCarry();
      }
      const line = this.carry + text.slice(0, nl);
      const long = this.carryBytes + nl > this.maxLineBytes;
      this.carry = '';
      this.carryBytes = 0;
      if (long && this.handsOver(line)) return line + text.slice(nl);
      if (!this.line(line)) return this.pause(text, nl + 1);
      start = nl + 1;
      nl = text.indexOf('\n', start);
    }
    while (nl !== -1) {
      const line = text.slice(start, nl);
      if (nl - start > this.maxLineBytes / 3 && utf8Exceeds(line, this.maxLineBytes) && this.handsOver(line))
        return text.slice(start);
      if (!this.line(line)) return this.pause(text, nl + 1);
      start = nl + 1;
      nl = text.indexOf('\n', start);
    }
    if (start < text.length) {
      this.carry = start === 0 ? text : text.slice(start);
      this.carryBytes = Buffer.byteLength(this.carry);
      return this.checkCarry();
    }
    return undefined;
  }

  /** The next line, if it is `line`, parses to `value` (already parsed): it is not parsed again. */
  parsed(line: string, value: unknown): void {
    this.known = { line, value };
  }

  /** Whether an array line's elements stopped at a full batch (`resume` goes on). */
  get isPaused(): boolean {
    return this.paused !== undefined;
  }

  /** Goes on after a pause: the array line's other elements, then the text after it, as `push`. */
  resume(): string | undefined {
    const p = this.paused;
    if (p === undefined) return undefined;
    this.paused = undefined;
    if (!this.elements(p.value, p.source, p.next)) {
      this.paused!.after = p.after;
      return undefined;
    }
    return p.after === '' ? undefined : this.push(p.after);
  }

  private pause(text: string, from: number): undefined {
    this.paused!.after = text.slice(from);
    return undefined;
  }

  /** The text ended. `discardPartial`: the last line was cut by the reader, drop it. */
  end(discardPartial: boolean): void {
    if (!discardPartial) {
      if (this.overlong !== undefined) this.flushOverlong();
      else if (this.carry !== '') this.line(this.carry);
      // At the end nothing is taken between batches any more: the elements left all come now.
      for (let p = this.paused; p !== undefined; p = this.paused) {
        this.paused = undefined;
        this.elements(p.value, p.source, p.next);
      }
    }
    this.carry = '';
    this.carryBytes = 0;
    this.overlong = undefined;
    this.keepNextLine = false;
    this.paused = undefined;
    this.known = undefined;
  }

  /** Whether a line past the limit is an array to stream (the text then leaves this reader). */
  private handsOver(line: string): boolean {
    if (this.keepNextLine) return false;
    let i = 0;
    while (i < line.length && isJsonSpace(line.charCodeAt(i))) i++;
    return line.charCodeAt(i) === 91;
  }

  private checkCarry(): string | undefined {
    if (this.carryBytes <= this.maxLineBytes) return undefined;
    const carry = this.carry;
    this.carry = '';
    this.carryBytes = 0;
    if (this.handsOver(carry)) return carry;
    this.overlong = carry.slice(0, PREVIEW_CHARS);
    this.overlongBlank = isBlank(carry);
    return undefined;
  }

  private flushOverlong(): void {
    if (!this.overlongBlank) this.sink.reject(truncatedText(this.overlong ?? '', this.maxLineBytes, 'the line'));
    this.overlong = undefined;
    this.keepNextLine = false;
  }

  /** One line; false when it holds an array whose elements stopped at a full batch. */
  private line(s: string): boolean {
    this.keepNextLine = false;
    const c = s.charCodeAt(0);
    if (c !== 123 && c !== 91 && isBlank(s)) return true;
    if (utf8Exceeds(s, this.maxLineBytes)) {
      this.sink.reject(truncatedText(s, this.maxLineBytes, 'the line'));
      return true;
    }
    let value: unknown;
    const known = this.known;
    this.known = undefined;
    if (known !== undefined && known.line === s) value = known.value;
    else
      try {
        value = JSON.parse(s);
      } catch {
        this.sink.reject(s);
        return true;
      }
    if (Array.isArray(value)) return this.elements(value, s, 0);
    this.sink.candidate(value, s, -1);
    return true;
  }

  /** An array line's elements from `from`; false (and `paused` set) when a full batch stopped them. */
  private elements(value: unknown[], source: string, from: number): boolean {
    for (let i = from; i < value.length; i++) {
      this.sink.candidate(value[i], source, i);
      if (i + 1 < value.length && this.sink.holdsFull()) {
        this.paused = { value, source, next: i + 1, after: '' };
        return false;
      }
    }
    return true;
  }
}
