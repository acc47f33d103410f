/**
 * The shared event parser: one event file's bytes to `events` rows and debug rows (contract §2–3).
 * Streams: memory stays bounded by the batch size and the longest candidate, whatever the file size.
 * Never throws on bad content; only a failure of the byte source itself is thrown.
 */
import type { CandidateSink } from './candidate-sink.js';
import { type DecodeProblem, decodeText, decodeWhole } from './decode-bytes.js';
import { NEEDS_EXACT, type RowDefaults, numericIndexKey, toEventRow } from '../columns/event-columns.js';
import { type FileContext, batchIdOf, logRow } from './file-context.js';
import { keyHasInexactNumber } from '../columns/json-exact.js';
import { ExactCandidates } from './exact-candidates.js';
import { DEFAULT_MAX_EVENT_BYTES, certainlyFits, oversizeText, rowBytes } from './row-size.js';
import type { EventRow, LogRow } from '../schema/rows.js';
import { CandidateSplitter } from './split-candidates.js';

export interface ParsedBatch {
  events: EventRow[];
  /** One row per rejected candidate or line: `logRow(ctx, text)`. */
  debug: LogRow[];
}

export interface ParseOptions {
  /**
   * Rows (events + debug) per batch; every batch but the last holds this many, or fewer when their
   * text reaches `batchBytes`. Default 1000.
   */
  batchRows?: number;
  /**
   * A batch ends once its rows' text (attributes and rejected lines, in UTF-16 code units) reaches
   * this: wide events never pile up (48 events of 3.9 MB in one batch peaked at 1.4 GB). Default 4 MiB.
   */
  batchBytes?: number;
  /** Longest line, array element or whole-document object, in UTF-8 bytes. Default 16 MiB. */
  maxLineBytes?: number;
  /** Stop inflating a gzip file past this many bytes of content. Default 4 GiB. */
  maxInflatedBytes?: number;
  /**
   * Largest row, as the UTF-8 bytes of its JSON text. An event over it becomes a debug row holding
   * its start and the reason; a debug row over it keeps only its start. Default 4 MiB (BigQuery).
   */
  maxEventBytes?: number;
}

export const DEFAULT_BATCH_ROWS = 1000;
export const DEFAULT_BATCH_BYTES = 4 * 1024 * 1024;
export const DEFAULT_MAX_LINE_BYTES = 16 * 1024 * 1024;
export const DEFAULT_MAX_INFLATED_BYTES = 4 * 1024 * 1024 * 1024;
export { DEFAULT_MAX_EVENT_BYTES };

/** The parts one file's parse shares, streamed or whole. */
function openParse(ctx: FileContext, options: ParseOptions) {
  const rows = new RowCollector(
    ctx,
    positive(options.batchRows, DEFAULT_BATCH_ROWS),
    positive(options.batchBytes, DEFAULT_BATCH_BYTES),
    positive(options.maxEventBytes, DEFAULT_MAX_EVENT_BYTES),
  );
  const splitter = new CandidateSplitter(rows, {
    maxLineBytes: positive(options.maxLineBytes, DEFAULT_MAX_LINE_BYTES),
  });
  /** The file ended (with what was wrong with its bytes, if anything): its last batches. */
  const end = (problem: DecodeProblem | undefined): ParsedBatch[] => {
    // A file cut short (its content past the inflate limit) drops its partial last line.
    splitter.end(problem?.cut === true);
    if (problem !== undefined) rows.reject(problem.message);
    const out = rows.takeFull();
    const last = rows.takeRest();
    if (last !== undefined) out.push(last);
    return out;
  };
  return { rows, splitter, end };
}

/** Parses one event file. A blank file yields no batch at all. */
export async function* parseEvents(
  bytes: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  ctx: FileContext,
  options: ParseOptions = {},
): AsyncGenerator<ParsedBatch> {
  const { rows, splitter, end } = openParse(ctx, options);
  const text = decodeText(bytes, { maxInflatedBytes: positive(options.maxInflatedBytes, DEFAULT_MAX_INFLATED_BYTES) });
  let problem: DecodeProblem | undefined;
  try {
    for (;;) {
      const piece = await text.next();
      if (piece.done === true) {
        problem = piece.value;
        break;
      }
      splitter.push(piece.value);
      yield* rows.takeFull();
      while (splitter.resume()) yield* rows.takeFull();
    }
    // A last line without a newline is complete: its rows come in batches like the others'.
    if (problem?.cut !== true) {
      splitter.push('\n');
      yield* rows.takeFull();
      while (splitter.resume()) yield* rows.takeFull();
    }
  } finally {
    await text.return(undefined);
  }
  yield* end(problem);
}

/**
 * Parses a whole file held in memory at once, without a stream: the same rows and batches as
 * {@link parseEvents} over the same bytes, for a fraction of the work per file (most event files are
 * a few KiB). `undefined` for gzip, which only {@link parseEvents} inflates (bounded as it goes).
 */
export function parseWholeFile(
  bytes: Uint8Array,
  ctx: FileContext,
  options: ParseOptions = {},
): ParsedBatch[] | undefined {
  const pieces = decodeWhole(bytes);
  if (pieces === undefined) return undefined;
  const { splitter, end } = openParse(ctx, options);
  for (const piece of pieces) {
    splitter.push(piece);
    while (splitter.resume());
  }
  return end(undefined); // every batch: none was taken before the end
}

function positive(value: number | undefined, fallback: number): number {
  return value !== undefined && Number.isFinite(value) && value >= 1 ? Math.floor(value) : fallback;
}

/** Turns candidates into rows and cuts them into batches of `batchRows`, or fewer of `batchBytes`. */
class RowCollector implements CandidateSink {
  private events: EventRow[] = [];
  private debug: LogRow[] = [];
  private count = 0;
  /** The text the batch's rows hold so far. */
  private bytes = 0;
  private full: ParsedBatch[] = [];
  private readonly defaults: RowDefaults;
  private readonly exact = new ExactCandidates();
  private readonly debugTemplate: LogRow;

  constructor(
    ctx: FileContext,
    private readonly batchRows: number,
    private readonly batchBytes: number,
    private readonly maxEventBytes: number,
  ) {
    this.debugTemplate = logRow(ctx, '');
    this.defaults = {
      analyticsEnvironment: this.debugTemplate.analytics_environment,
      batchId: this.debugTemplate.batch_id ?? batchIdOf(ctx.name),
      jobName: ctx.jobName,
      insertedAt: ctx.insertedAt,
    };
  }

  candidate(value: unknown, source: string, index: number): void {
    this.exact.forget(source);
    try {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        this.reject(this.exact.text(value, source, index));
        return;
      }
      const object = value as Record<string, unknown>;
      let row = toEventRow(object, this.defaults, false);
      // An integer index written as `1.0000000000000001` parses as 1: checked exactly (then NULL).
      const key = row !== null && row !== NEEDS_EXACT && row.event_index !== null ? numericIndexKey(object) : null;
      if (row === NEEDS_EXACT || (key !== null && this.inexactIndexIn(source, key))) {
        row = toEventRow(this.exact.of(source, index) as Record<string, unknown>, this.defaults, true);
      }
      if (row === null || row === NEEDS_EXACT) this.reject(this.exact.text(value, source, index));
      else if (certainlyFits(source.length, this.maxEventBytes)) this.add(row);
      else this.addIfFits(row, value, source, index);
    } catch {
      // A safety net only: nothing above is known to throw on any JSON value.
      this.reject(this.exact.text(value, source, index));
    }
  }

  /** The last line scanned for an inexact index: an array line's elements share its text, scanned once. */
  private scanned: { source: string; key: string; inexact: boolean } = { source: '', key: '', inexact: false };

  private inexactIndexIn(source: string, key: string): boolean {
    if (this.scanned.source !== source || this.scanned.key !== key)
      this.scanned = { source, key, inexact: keyHasInexactNumber(source, [key]) };
    return this.scanned.inexact;
  }

  reject(text: string): void {
    const row = { ...this.debugTemplate };
    row.event = text;
    if (!certainlyFits(text.length, this.maxEventBytes)) {
      const size = rowBytes(row);
      if (size > this.maxEventBytes) row.event = oversizeText(text, this.maxEventBytes, 'the rejected text', size);
    }
    this.debug.push(row);
    this.bump(row.event.length);
  }

  holdsFull(): boolean {
    return this.full.length > 0;
  }

  takeFull(): ParsedBatch[] {
    const full = this.full;
    if (full.length > 0) this.full = [];
    return full;
  }

  takeRest(): ParsedBatch | undefined {
    if (this.count === 0) return undefined;
    const batch = { events: this.events, debug: this.debug };
    this.events = [];
    this.debug = [];
    this.count = 0;
    this.bytes = 0;
    return batch;
  }

  /** An event whose source is big: measured, and a short debug row instead when over the limit. */
  private addIfFits(row: EventRow, value: unknown, source: string, index: number): void {
    const size = rowBytes(row);
    if (size <= this.maxEventBytes) this.add(row);
    else this.reject(oversizeText(this.exact.text(value, source, index), this.maxEventBytes, 'the event', size));
  }

  private add(row: EventRow): void {
    this.events.push(row);
    this.bump(row.event_attributes?.length ?? 0);
  }

  private bump(text: number): void {
    this.bytes += text;
    if (++this.count < this.batchRows && this.bytes < this.batchBytes) return;
    this.full.push({ events: this.events, debug: this.debug });
    this.events = [];
    this.debug = [];
    this.count = 0;
    this.bytes = 0;
  }
}
