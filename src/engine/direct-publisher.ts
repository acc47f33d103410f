import type { Publisher, SendResult } from '../ports/publisher.js';
import type { Source, SourceObject } from '../ports/source.js';
import type { GroupLimits, Warehouse } from '../ports/warehouse.js';
import { ByteBudget } from './byte-budget.js';
import { ingestFile } from './ingest-file.js';

/** File bytes read and not yet committed, at most: what bounds memory however many files are in flight. */
const DEFAULT_BYTES_IN_FLIGHT = 32 * 1024 * 1024;

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
  const budget = new ByteBudget(opts.bytesInFlight ?? DEFAULT_BYTES_IN_FLIGHT);
  let settling = false;
  return {
    url: `direct:${opts.warehouse.url}`,
    concurrency: opts.concurrency ?? 1,
    async send(object: SourceObject, runId: string, signal?: AbortSignal): Promise<SendResult> {
      const held = await budget.acquire(object.size, signal);
      try {
        const result = await ingestFile({
          source: opts.source,
          warehouse: opts.warehouse,
          writer,
          name: object.name,
          generation: object.generation,
          jobName: opts.jobName(runId),
          ...(signal ? { signal } : {}),
        });
        if (result.outcome === 'already-ingested') return { status: 'already-ingested' };
        const status = result.outcome === 'staged' ? 'staged' : 'ingested';
        return { status, events: result.events, debug: result.debug };
      } finally {
        budget.release(held);
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
