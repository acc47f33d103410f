/** Where the splitters hand what they find in the text. */
export interface CandidateSink {
  /**
   * A parsed candidate. `source` is JSON text that parses to it (`index` −1), or to an array whose
   * element `index` it is (an NDJSON line holding an array).
   */
  candidate(value: unknown, source: string, index: number): void;
  /** Text that is no candidate (invalid JSON, an over-long line): one debug row. */
  reject(text: string): void;
  /**
   * Whether a full batch of rows waits to be taken. A splitter given a long text (a first line or
   * an array line of up to 16 MiB) then stops at the next candidate and keeps the rest for
   * `CandidateSplitter.resume`, so the rows of a long text never exist all at once.
   */
  holdsFull(): boolean;
}
