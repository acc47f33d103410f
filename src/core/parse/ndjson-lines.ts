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
      this.line(line);
      start = nl + 1;
      nl = text.indexOf('\n', start);
    }
    while (nl !== -1) {
      const line = text.slice(start, nl);
      if (nl - start > this.maxLineBytes / 3 && utf8Exceeds(line, this.maxLineBytes) && this.handsOver(line))
        return text.slice(start);
      this.line(line);
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

  /** The text ended. `discardPartial`: the last line was cut by the reader, drop it. */
  end(discardPartial: boolean): void {
    if (!discardPartial) {
      if (this.overlong !== undefined) this.flushOverlong();
      else if (this.carry !== '') this.line(this.carry);
    }
    this.carry = '';
    this.carryBytes = 0;
    this.overlong = undefined;
    this.keepNextLine = false;
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

  private line(s: string): void {
    this.keepNextLine = false;
    const c = s.charCodeAt(0);
    if (c !== 123 && c !== 91 && isBlank(s)) return;
    if (utf8Exceeds(s, this.maxLineBytes)) {
      this.sink.reject(truncatedText(s, this.maxLineBytes, 'the line'));
      return;
    }
    let value: unknown;
    try {
      value = JSON.parse(s);
    } catch {
      this.sink.reject(s);
      return;
    }
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) this.sink.candidate(value[i], s, i);
    } else {
      this.sink.candidate(value, s, -1);
    }
  }
}
