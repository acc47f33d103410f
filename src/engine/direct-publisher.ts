import type { Publisher, SendResult } from '../ports/publisher.js';
import type { Source, SourceObject } from '../ports/source.js';
import type { Warehouse } from '../ports/warehouse.js';
import { ingestFile } from './ingest-file.js';

/**
 * A publisher that ingests each file itself instead of notifying the function: the backfill
 * without Pub/Sub. `jobName` is written to `job_name` (e.g. `analytics-backfill/<run id>`).
 */
export function createDirectPublisher(opts: {
  source: Source;
  warehouse: Warehouse;
  jobName: (runId: string) => string;
  concurrency?: number;
}): Publisher {
  return {
    url: `direct:${opts.warehouse.url}`,
    concurrency: opts.concurrency ?? 1,
    async send(object: SourceObject, runId: string): Promise<SendResult> {
      const result = await ingestFile({
        source: opts.source,
        warehouse: opts.warehouse,
        name: object.name,
        generation: object.generation,
        jobName: opts.jobName(runId),
      });
      return result.outcome === 'already-ingested'
        ? { status: 'already-ingested' }
        : { status: 'ingested', events: result.events, debug: result.debug };
    },
    async close() {},
  };
}
