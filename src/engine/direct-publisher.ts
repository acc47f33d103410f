import type { Publisher, SendResult } from '../ports/publisher.js';
import type { Source, SourceObject } from '../ports/source.js';
import type { GroupLimits, Warehouse } from '../ports/warehouse.js';
import { ByteBudget } from './byte-budget.js';
import { ingestFile } from './ingest-file.js';

/** File bytes read and not yet committed, at most: what bounds memory however many files are in flight. */
const DEFAULT_BYTES_IN_FLIGHT = 32 * 1024 * 1024;
/** The most a file's rows hold while it is read: a file with more goes alone, its rows streamed. */
const HELD_AT_MOST = 8 * 1024 * 1024;

/**
 * A publisher that ingests each file itself instead of notifying the function: the backfill
 * without Pub/Sub. Files share one writer, so many land per commit; each `send` resolves once its
 * file's commit did. `jobName` is written to `job_name` (e.g. `analytics-backfill/<run id>`).
 */
export function createDirectPublisher(opts: {
  source: Source;
  warehouse: Warehouse;
  jobName: (runId: string) => string;
  concurrency?: number;
  limits?: Partial<GroupLimits>;
  bytesInFlight?: number;
}): Publisher {
  const writer = opts.warehouse.openWriter(opts.limits);
  // Short of room, the files gathered so far are committed at once: their holds are what it waits for.
  const budget = new ByteBudget(opts.bytesInFlight ?? DEFAULT_BYTES_IN_FLIGHT, () => writer.flush?.());
  let settling = false;
  return {
    url: `direct:${opts.warehouse.url}`,
    concurrency: opts.concurrency ?? 1,
    async send(object: SourceObject, runId: string, signal?: AbortSignal): Promise<SendResult> {
      const hold = await budget.acquire(object.size, signal);
      try {
        const result = await ingestFile({
          source: opts.source,
          warehouse: opts.warehouse,
          writer,
          name: object.name,
          generation: object.generation,
          jobName: opts.jobName(runId),
          ...(signal ? { signal } : {}),
          // Past a group's share a file's rows are streamed, not held (writers/group-writer.ts).
          rowsHeld: (bytes) => hold.grow(Math.min(bytes, HELD_AT_MOST)),
        });
        if (result.outcome === 'already-ingested') return { status: 'already-ingested' };
        const status = result.outcome === 'staged' ? 'staged' : 'ingested';
        return { status, events: result.events, debug: result.debug };
      } finally {
        hold.release();
      }
    },
    // The writer's close lands what it staged (a staging writer promotes); retried by the caller.
    settle: () => {
      settling = true;
      return writer.close();
    },
    close: () => (settling ? Promise.resolve() : writer.close()),
  };
}
