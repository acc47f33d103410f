import { parseEvents } from '../core/parse/event-parser.js';
import { logRow, type FileContext } from '../core/parse/file-context.js';
import { dateToMicros } from '../core/schema/rows.js';
import type { Source } from '../ports/source.js';
import {
  INGESTED_EVENT,
  writeOneFile,
  type FileWriter,
  type RowBatch,
  type Warehouse,
  type WriteOutcome,
} from '../ports/warehouse.js';

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
  async function* batches(): AsyncGenerator<RowBatch> {
    held = 0;
    yield { events: [], debug: [], logs: [logRow(ctx, 'parse_initiated')] };
    for await (const batch of parseEvents(opts.source.read(opts.name, opts.generation), ctx)) {
      opts.signal?.throwIfAborted();
      counts.events += batch.events.length;
      counts.debug += batch.debug.length;
      opts.rowsHeld?.((held += heldBytes(batch.events, batch.debug.length)));
      yield { events: batch.events, debug: batch.debug, logs: [] };
    }
    opts.signal?.throwIfAborted();
    const status = `${INGESTED_EVENT}: ${counts.events} events, ${counts.debug} debug rows`;
    yield { events: [], debug: [], logs: [logRow(ctx, status)] };
  }
  const key = { filePath: ctx.filePath, generation: ctx.generation, name: ctx.name };
  // Read again if the group it joined fails to commit: counted afresh.
  const again = () => {
    counts.events = 0;
    counts.debug = 0;
    return batches();
  };
  const outcome = opts.writer
    ? await opts.writer.write(key, batches(), again)
    : await writeOneFile(opts.warehouse, key, batches());
  return { outcome, ...counts };
}
