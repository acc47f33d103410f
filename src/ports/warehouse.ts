import type { EventRow, LogRow } from '../core/rows.js';

/** One version of one file, as the once-only ledger knows it (contract §5). */
export interface FileKey {
  /** `gs://bucket/name` or the local path: the logs tables' `file_path`. */
  filePath: string;
  generation: string;
}

/** A slice of one file's rows. A file's rows arrive as several batches so memory stays bounded. */
export interface RowBatch {
  events: EventRow[];
  debug: LogRow[];
  logs: LogRow[];
}

export type WriteOutcome = 'written' | 'already-ingested';

/**
 * Where rows land: BigQuery or an embedded DuckDB file. Implementations:
 * `src/gcp/bigquery-warehouse.ts`, `src/local/duckdb-warehouse.ts`.
 */
export interface Warehouse {
  /** `bigquery:PROJECT` or `duckdb:/abs/file.duckdb`, for messages and run records. */
  readonly url: string;
  /** Creates the datasets (schemas) and tables when missing. Safe to call more than once. */
  ensureTables(): Promise<void>;
  /** Which of `files` already landed: the keys `ledgerKey(file)` of those in the ledger. */
  ingested(files: readonly FileKey[]): Promise<Set<string>>;
  /**
   * Writes one file's batches whole or not at all. When the file is already in the ledger nothing
   * is written and the batches are not consumed. A throw from `batches` aborts the write.
   */
  writeFile(file: FileKey, batches: AsyncIterable<RowBatch>): Promise<WriteOutcome>;
  close(): Promise<void>;
}

/** The key a file has in the ledger. */
export function ledgerKey(file: FileKey): string {
  return `${file.filePath}#${file.generation}`;
}

/** Log rows whose `event` starts with this mark the file as landed: the ledger. */
export const INGESTED_EVENT = 'ingested';
