import { isLossy, mayHoldLossyNumber, parseExact, stringifyExact } from '../columns/json-exact.js';

/**
 * Candidates parsed again keeping numbers' source text (json-exact.ts), when `JSON.parse` lost
 * digits a column or a rejected candidate's text needs. The elements of an NDJSON line holding an
 * array share its source: the line is parsed again once and kept while its elements come, instead
 * of once per element (5,000 such elements in a 497 KiB line took 93 s to ingest).
 */
export class ExactCandidates {
  private source: string | undefined;
  private parsed: unknown[] = [];

  /** Drops the kept line once a candidate of another source comes. */
  forget(source: string): void {
    if (this.source !== undefined && this.source !== source) {
      this.source = undefined;
      this.parsed = [];
    }
  }

  /** The candidate again, with numbers whose digits `JSON.parse` lost kept as their source text. */
  of(source: string, index: number): unknown {
    if (index < 0) return parseExact(source);
    if (this.source !== source) {
      this.parsed = parseExact(source) as unknown[];
      this.source = source;
    }
    return this.parsed[index];
  }

  /** A rejected candidate's text: its source, or for an element of an array line, its compact JSON. */
  text(value: unknown, source: string, index: number): string {
    if (index < 0) return source;
    try {
      const text = JSON.stringify(value);
      if ((typeof value === 'number' && isLossy(value)) || mayHoldLossyNumber(text)) {
        return stringifyExact(this.of(source, index));
      }
      return text;
    } catch {
      return source; // nested too deep to write again: the whole line, which holds it, is kept instead
    }
  }
}
