import { existsSync } from 'node:fs';
import { UsageError } from '../core/errors.js';
import { createDirectPublisher } from '../engine/direct-publisher.js';
import { createFolderSource } from '../local/folder/folder-source.js';
import type { Publisher } from '../ports/publisher.js';
import type { Source } from '../ports/source.js';
import type { Warehouse } from '../ports/warehouse.js';
import { parseWarehouseSpec } from '../core/schema/warehouse-spec.js';
import type { CloudFactories } from '../ports/cloud.js';
import { isBucketName } from '../core/schema/names.js';

/** The warehouse a run uses when `--warehouse` is not given. */
export function defaultWarehouse(bucket: string): string {
  return bucket.startsWith('gs://') ? 'bigquery' : 'duckdb:analytics-backfill.duckdb';
}

/** `gs://bucket` → the GCS source; anything else is a folder that mirrors a bucket. */
export async function openSource(bucket: string, project: string | undefined, cloud: CloudFactories): Promise<Source> {
  if (bucket.startsWith('gs://')) {
    const name = bucket.slice('gs://'.length).replace(/\/+$/, '');
    if (!isBucketName(name)) throw new UsageError(`--gcs-bucket: "${bucket}" is not a valid bucket name`);
    return cloud.gcsSource(name, project);
  }
  return createFolderSource(bucket);
}

/** The warehouse of a session: opened when asked (again after a close); `dispose` ends what was started for it. */
export interface WarehouseOpener {
  open(): Promise<Warehouse | undefined>;
  dispose(): Promise<void>;
}

/**
 * The warehouse named by `--warehouse`. For a dry run nothing may be written: a DuckDB file is
 * opened read-only, and one that does not exist yet means nothing is ingested (undefined). A DuckDB
 * file's worker starts now, before the file is opened or created, so DuckDB loads while the source
 * is listed (a tenth of a second of every run).
 */
export async function prepareWarehouse(
  spec: string,
  project: string | undefined,
  cloud: CloudFactories,
  options: { readOnly: boolean },
): Promise<WarehouseOpener> {
  const w = parseWarehouseSpec(spec);
  if (w.kind !== 'duckdb')
    return { open: () => cloud.bigQueryWarehouse(w.project ?? project, options), dispose: async () => {} };
  const path = w.path;
  const willOpen = () => !(options.readOnly && !existsSync(path));
  // Loaded on use: DuckDB's native library is not needed for --help or the wizard's first screen.
  const { createDuckDbWarehouse, startDuckDbWorker } = await import('../local/duckdb/duckdb-warehouse.js');
  let spare = willOpen() ? startDuckDbWorker() : undefined;
  return {
    async open() {
      const started = spare;
      spare = undefined;
      if (!willOpen()) {
        await started?.worker.terminate(); // a dry run's file that went away meanwhile
        return undefined;
      }
      return createDuckDbWarehouse(path, undefined, options, started ?? startDuckDbWorker());
    },
    async dispose() {
      await spare?.worker.terminate();
      spare = undefined;
    },
  };
}

/** `--topic` → Pub/Sub notifications; otherwise direct ingestion into the warehouse. */
export async function openPublisher(opts: {
  topic: string | undefined;
  project: string | undefined;
  source: Source;
  warehouse: Warehouse | undefined;
  jobName: (runId: string) => string;
  cloud: CloudFactories;
}): Promise<Publisher> {
  if (opts.topic !== undefined) return opts.cloud.pubsubPublisher(opts.topic, opts.project, opts.source);
  if (opts.warehouse === undefined)
    throw new UsageError('no warehouse to ingest into', 'Pass --warehouse duckdb:PATH or bigquery[:PROJECT].');
  // BigQuery stages each file on its own: eight overlap well. DuckDB says its own (two groups' worth).
  const concurrency = opts.warehouse.filesInFlight ?? 8;
  return createDirectPublisher({ source: opts.source, warehouse: opts.warehouse, jobName: opts.jobName, concurrency });
}
