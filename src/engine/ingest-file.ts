import { type ParsedBatch, parseEvents, parseWholeFile } from '../core/parse/event-parser.js';
import { logRow, type FileContext } from '../core/parse/file-context.js';
import { dateToMicros } from '../core/schema/rows.js';
import type { Source } from '../ports/source.js';
import {
  INGESTED_EVENT,
  type FileBatches,
  writeOneFile,
  type FileWriter,
  type RowBatch,
  type Warehouse,
  type WriteOutcome,
} from '../ports/warehouse.js';

/** A file of at most this many bytes is read and parsed at once (a folder's); a larger one is streamed. */
const WHOLE_AT_MOST = 256 * 1024;

export interface IngestFileOptions {
  source: Source;
  warehouse: Warehouse;
  /** Where the file's rows go; without one, a commit of its own ({@link writeOneFile}). */
  writer?: FileWriter;
  name: string;
  generation: string;
  jobName: string;
  now?: () => Date;
  /** Stops reading when it aborts: the file fails whole (its rows rolled back), nothing of it lands. */
  signal?: AbortSignal;
  /**
   * Told, after each batch, about how many bytes the file's rows hold so far (the direct run's byte
   * budget: a small gzip file can hold a great many rows).
   */
  rowsHeld?: (bytes: number) => void;
}

/** About what a batch's rows hold in memory: a fixed share per row, and each event's attributes. */
function heldBytes(events: readonly { event_attributes: string | null }[], debug: number): number {
  let n = (events.length + debug) * 256;
  for (const e of events) n += e.event_attributes?.length ?? 0;
  return n;
}

export interface IngestFileResult {
  outcome: WriteOutcome;
  events: number;
  debug: number;
}

/**
 * Streams one file from the source through the shared parser into the warehouse, whole or not at
 * all. The ledger row (`ingested …`) is the last row of the file's last batch, so it only exists
 * when everything before it landed. Used by direct backfills and by the ingest function alike.
 */
export async function ingestFile(opts: IngestFileOptions): Promise<IngestFileResult> {
  const now = opts.now ?? (() => new Date());
  const ctx: FileContext = {
    bucket: opts.source.bucket,
    name: opts.name,
    filePath: opts.source.filePath(opts.name),
    generation: opts.generation,
    jobName: opts.jobName,
    insertedAt: dateToMicros(now()),
  };
  const counts = { events: 0, debug: 0 };
  let held = 0;
  const first = (): RowBatch => ({ events: [], debug: [], logs: [logRow(ctx, 'parse_initiated')] });
  const last = (): RowBatch => {
    const status = `${INGESTED_EVENT}: ${counts.events} events, ${counts.debug} debug rows`;
    return { events: [], debug: [], logs: [logRow(ctx, status)] };
  };
  /** A parsed batch counted, as the writer takes it. */
  const tally = (batch: ParsedBatch): RowBatch => {
    counts.events += batch.events.length;
    counts.debug += batch.debug.length;
    held += heldBytes(batch.events, batch.debug.length);
    return { events: batch.events, debug: batch.debug, logs: [] };
  };
  async function* batches(read?: Iterable<Uint8Array>): AsyncGenerator<RowBatch> {
    held = 0;
    yield first();
    for await (const batch of parseEvents(read ?? opts.source.read(opts.name, opts.generation), ctx)) {
      opts.signal?.throwIfAborted();
      const counted = tally(batch);
      opts.rowsHeld?.(held);
      yield counted;
    }
    opts.signal?.throwIfAborted();
    yield last();
  }
  /**
   * A small file's batches at once (read and parsed whole: the same rows as `batches()` gives); a
   * small gzip file, read at once, is still inflated as a stream; a large file is streamed.
   */
  const whole = (): FileBatches | undefined => {
    opts.signal?.throwIfAborted();
    const bytes = opts.source.readWhole?.(opts.name, opts.generation, WHOLE_AT_MOST);
    if (bytes === undefined) return undefined;
    const parsed = parseWholeFile(bytes, ctx);
    if (parsed === undefined) return batches([bytes]);
    const out = [first(), ...parsed.map(tally), last()];
    opts.rowsHeld?.(held);
    return out;
  };
  const key = { filePath: ctx.filePath, generation: ctx.generation, name: ctx.name };
  // Read again if the group it joined fails to commit: counted afresh.
  const again = () => {
    counts.events = 0;
    counts.debug = 0;
    return batches();
  };
  const outcome = opts.writer
    ? await opts.writer.write(key, whole() ?? batches(), again)
    : await writeOneFile(opts.warehouse, key, batches());
  return { outcome, ...counts };
}
