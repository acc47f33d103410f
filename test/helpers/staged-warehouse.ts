/**
 * The BigQuery warehouse as the product builds it (src/gcp/gcp-factories.ts, src/function/index.ts):
 * staging through the emulator's Storage Write API, then promotion. `promote` says when: once a
 * writer closes (`when-closed`, the backfill) or a window's job after each file (`each-window`, the
 * function: call `promoteNow()` for the tail, as Cloud Scheduler does).
 */
import type { BigQuery } from '@google-cloud/bigquery';
import type { TableNames } from '../../src/core/schema/table-schemas.js';
import { createBigQueryWarehouse, type StagingOptions } from '../../src/gcp/bigquery/bigquery-warehouse.js';
import { createWriteApiAppender } from '../../src/gcp/bigquery/write-api-appender.js';
import { emulatorWriterClient } from '../../src/gcp/bigquery/writer-client.js';

export function stagedWarehouse(
  bigquery: BigQuery,
  emulator: { grpc: string; project: string },
  tables: TableNames,
  options: {
    promote?: StagingOptions['promote'];
    ledgerChunk?: number;
    limits?: StagingOptions['limits'];
    maxConcurrentQueries?: number;
  } = {},
) {
  const client = emulatorWriterClient(emulator.grpc, emulator.project);
  return createBigQueryWarehouse({
    bigquery,
    tables,
    ...(options.ledgerChunk !== undefined ? { ledgerChunk: options.ledgerChunk } : {}),
    ...(options.maxConcurrentQueries !== undefined ? { maxConcurrentQueries: options.maxConcurrentQueries } : {}),
    staging: {
      appender: (project) => createWriteApiAppender({ client, project, names: tables }),
      promote: options.promote ?? 'when-closed',
      ...(options.limits ? { limits: options.limits } : {}),
    },
  });
}
