/**
 * Contract §2.4: every non-blank line parsed on its own. Text arrives in pieces; lines are cut
 * synchronously with `indexOf`, so there is no per-line async work.
 */
import type { CandidateSink } from './candidate-sink.js';
import { PREVIEW_CHARS, isBlank, truncatedText, utf8Exceeds } from './text-limits.js';

export class NdjsonLines {
  /** The current line's text so far (no newline seen yet). */
  private carry = '';
  /** Once the current line passed the limit: its start, kept for the debug row; the rest is skipped. */
  private overlong: string | undefined;

  constructor(
    private readonly sink: CandidateSink,
    private readonly maxLineBytes: number,
  ) {}

  push(text: string): void {
    let start = 0;
    let nl = text.indexOf('\n');
    if (this.overlong !== undefined) {
      if (nl === -1) return;
      this.flushOverlong();
      start = nl + 1;
      nl = text.indexOf('\n', start);
    } else if (this.carry !== '') {
      if (nl === -1) {
        this.carry += text;
        this.checkCarry();
        return;
      }
      const line = this.carry + text.slice(0, nl);
      this.carry = '';
      this.line(line);
      start = nl + 1;
      nl = text.indexOf('\n', start);
    }
    while (nl !== -1) {
      this.line(text.slice(start, nl));
      start = nl + 1;
      nl = text.indexOf('\n', start);
    }
    if (start < text.length) {
      this.carry = start === 0 ? text : text.slice(start);
      this.checkCarry();
    }
  }

  /** The text ended. `discardPartial`: the last line was cut by the reader, drop it. */
  end(discardPartial: boolean): void {
    if (!discardPartial) {
      if (this.overlong !== undefined) this.flushOverlong();
      else if (this.carry !== '') this.line(this.carry);
    }
    this.carry = '';
    this.overlong = undefined;
  }

  private checkCarry(): void {
    if (utf8Exceeds(this.carry, this.maxLineBytes)) {
      this.overlong = this.carry.slice(0, PREVIEW_CHARS);
      this.carry = '';
    }
  }

  private flushOverlong(): void {
    this.sink.reject(truncatedText(this.overlong ?? '', this.maxLineBytes, 'the line'));
    this.overlong = undefined;
  }

  private line(s: string): void {
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
