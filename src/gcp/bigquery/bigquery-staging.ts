import type { BigQuery, TableMetadata } from '@google-cloud/bigquery';
import {
  PROMOTER_LOCK_COLUMNS,
  PROMOTER_LOCK_TABLE,
  STAGING_COLUMNS,
  STAGING_TABLE,
  type TableNames,
} from '../../core/schema/table-schemas.js';
import { field, qualified } from './bigquery-ddl.js';
import { alreadyExists } from './bigquery-errors.js';

/** Staged rows expire with their partition (no DELETE: mutating DML on streamed rows is unsupported). */
export const STAGING_EXPIRY_DAYS = 7;

export type StagedKind = 'event' | 'debug' | 'log' | 'done';

/** One row of the staging table (serialized for the Write API by `staged-row-encoder.ts`). */
export interface StagedRow {
  file_path: string;
  file_generation: string;
  attempt_id: string;
  kind: StagedKind;
  row_number: number;
  payload: string | null;
  expected_rows: number | null;
  staged_at: Date;
}

/** One append request's rows, serialized (`staged-row-encoder.ts`): views of one buffer. */
export interface StagedRequest {
  rows: Uint8Array[];
  /** The rows' bytes (what the Write API's request size limit counts, less a few bytes of framing a row). */
  bytes: number;
}

/**
 * Appends rows to the staging table. One call is one request: it lands whole or fails whole, and
 * resolves once BigQuery acknowledged it. A failed call may still have landed (the promoter drops
 * rows re-sent with the same row number).
 */
export interface StagingAppender {
  append(request: StagedRequest): Promise<void>;
  close(): Promise<void>;
}

/** Where the staging and lock tables live: beside the logs table. */
export function stagingTables(project: string, names: TableNames): { staging: string; lock: string } {
  return {
    staging: qualified(project, names.logsDataset, STAGING_TABLE),
    lock: qualified(project, names.logsDataset, PROMOTER_LOCK_TABLE),
  };
}

function stagingMetadata(): TableMetadata {
  return {
    schema: { fields: STAGING_COLUMNS.map(field) },
    timePartitioning: { type: 'DAY', field: 'staged_at', expirationMs: String(STAGING_EXPIRY_DAYS * 24 * 3600 * 1000) },
    clustering: { fields: ['file_path'] },
  };
}

async function createIfMissing(bq: BigQuery, dataset: string, table: string, md: TableMetadata): Promise<boolean> {
  const [exists] = await bq.dataset(dataset).table(table).exists();
  if (exists) return false;
  try {
    await bq.dataset(dataset).createTable(table, md);
    return true;
  } catch (err) {
    if (!alreadyExists(err)) throw err; // another writer created it meanwhile
    return false;
  }
}

/**
 * Creates the staging table and the promoter's lock table (with its one row) when missing. The
 * logs dataset must exist. Safe to run from several writers at once.
 */
export async function ensureStaging(
  bq: BigQuery,
  project: string,
  names: TableNames,
  location: string | undefined,
): Promise<void> {
  await createIfMissing(bq, names.logsDataset, STAGING_TABLE, stagingMetadata());
  await createIfMissing(bq, names.logsDataset, PROMOTER_LOCK_TABLE, {
    schema: { fields: PROMOTER_LOCK_COLUMNS.map(field) },
  });
  const { lock } = stagingTables(project, names);
  // The lock row, once (a second writer's INSERT finds it and adds nothing; a rare double is harmless: UPDATE … WHERE id = 1 locks the table).
  const [rows] = await bq.query({
    query: `SELECT COUNT(*) AS n FROM ${lock}`,
    useLegacySql: false,
    ...(location ? { location } : {}),
  });
  if (Number((rows[0] as { n: unknown }).n) > 0) return;
  await bq.query({
    query: `INSERT INTO ${lock} (id, window_id) SELECT 1, 'created' FROM (SELECT 1) AS one WHERE NOT EXISTS (SELECT 1 FROM ${lock} WHERE id = 1)`,
    useLegacySql: false,
    ...(location ? { location } : {}),
  });
}
