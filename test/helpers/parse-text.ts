import { type ParseOptions, parseEvents } from '../../src/core/parse/event-parser.js';
import type { FileContext } from '../../src/core/parse/file-context.js';
import type { EventRow } from '../../src/core/schema/rows.js';

/** The file the parser tests pretend to read. */
export const ctx: FileContext = {
  bucket: 'bkt',
  name: 'data_type=json/analytics_environment=staging/event_category=game/event_ds=2024-05-01/event_time=0-8/sess-1/20240501T000000-000001',
  filePath: 'gs://bkt/data_type=json/…/20240501T000000-000001',
  generation: '17',
  jobName: 'backfill-run-1',
  insertedAt: 1714521600000000n,
};

export interface Parsed {
  events: EventRow[];
  /** The debug rows' `event` text. */
  debug: string[];
  /** Rows per batch, in order. */
  batches: number[];
}

/** Parses `content` (text, bytes, or chunks as they would arrive) and collects what came out. */
export async function parse(content: string | Uint8Array | Uint8Array[], options?: ParseOptions): Promise<Parsed> {
  const chunks = Array.isArray(content) ? content : [typeof content === 'string' ? Buffer.from(content) : content];
  const out: Parsed = { events: [], debug: [], batches: [] };
  for await (const batch of parseEvents(chunks, ctx, options)) {
    out.events.push(...batch.events);
    out.debug.push(...batch.debug.map((r) => r.event ?? ''));
    out.batches.push(batch.events.length + batch.debug.length);
  }
  return out;
}

export const classes = (p: Parsed): (string | null)[] => p.events.map((e) => e.event_class);
