/**
 * The warehouse tables, defined once (contract §4). BigQuery and DuckDB both build their DDL from
 * these lists, so a column can never differ between them.
 */

export type ColumnType = 'STRING' | 'INTEGER' | 'TIMESTAMP' | 'DATE';

export interface Column<N extends string = string, T extends ColumnType = ColumnType> {
  name: N;
  type: T;
  /** Every column is NULLABLE, so the tables accept rows from the pipeline this one replaces. */
  mode: 'NULLABLE';
  description?: string;
}

const col = <N extends string, T extends ColumnType>(name: N, type: T, description?: string): Column<N, T> =>
  description === undefined ? { name, type, mode: 'NULLABLE' } : { name, type, mode: 'NULLABLE', description };

/** A column's value in a row: text, an exact integer, microseconds since the epoch, a `YYYY-MM-DD` day. */
export interface ColumnValues {
  STRING: string;
  INTEGER: bigint;
  TIMESTAMP: bigint;
  DATE: string;
}

/** The row a column list describes: each column by name, its value or null. The row types derive from the lists. */
export type RowOf<Cs extends readonly Column[]> = { [C in Cs[number] as C['name']]: ColumnValues[C['type']] | null };

/** `events.events_function`, partitioned by DAY on `event_timestamp`. */
export const EVENT_COLUMNS = [
  col('analytics_environment', 'STRING'),
  col('batch_id', 'STRING'),
  col('event_id', 'STRING'),
  col('event_index', 'INTEGER'),
  col('event_source', 'STRING'),
  col('event_class', 'STRING'),
  col('event_type', 'STRING'),
  col('session_id', 'STRING'),
  col('build_version', 'STRING'),
  col('event_environment', 'STRING'),
  col('event_timestamp', 'TIMESTAMP'),
  col('received_timestamp', 'TIMESTAMP'),
  col('inserted_timestamp', 'TIMESTAMP'),
  col('job_name', 'STRING'),
  col('event_attributes', 'STRING'),
] as const satisfies readonly Column[];

/**
 * `logs.events_logs_function` and `logs.events_debug_function`, partitioned by DAY on `event_ds`.
 * `file_generation` is new (NULLABLE, as the contract allows): with `file_path` it identifies the
 * exact object version a log row speaks of, which is what the once-only ledger keys on.
 */
export const LOG_COLUMNS = [
  col('job_name', 'STRING'),
  col('processed_timestamp', 'TIMESTAMP'),
  col('batch_id', 'STRING'),
  col('analytics_environment', 'STRING'),
  col('event_category', 'STRING'),
  col('event_time', 'STRING'),
  col('event_ds', 'DATE'),
  col('event', 'STRING'),
  col('file_path', 'STRING'),
  col('file_generation', 'STRING', 'Object generation of file_path; with it, identifies one ingested file version'),
] as const satisfies readonly Column[];

/**
 * The staging table (`logs.events_staging_function`): every row of every file attempt, appended
 * through BigQuery's Storage Write API, then promoted into the three tables above once a minute
 * (docs/exactly-once.md). `payload` is the row as JSON; `expected_rows` is set on the attempt's
 * completion marker (`kind = 'done'`) only. Partitioned by DAY on `staged_at`, which expires.
 */
export const STAGING_COLUMNS: readonly Column[] = [
  col('file_path', 'STRING'),
  col('file_generation', 'STRING'),
  col('attempt_id', 'STRING', 'One staging of one file version; the promoter takes one attempt per file version'),
  col('kind', 'STRING', 'event, debug or log (a row of that table), or done (the attempt is complete)'),
  col('row_number', 'INTEGER', 'Position of the row in its attempt; a re-sent append repeats it'),
  col('payload', 'STRING', 'The row as JSON, every value a string'),
  col('expected_rows', 'INTEGER', 'On the done marker: how many rows the attempt has'),
  col('staged_at', 'TIMESTAMP'),
];

/** The promoter's one-row lock (`logs.events_promoter_lock`): updating it serialises promotions. */
export const PROMOTER_LOCK_COLUMNS: readonly Column[] = [
  col('id', 'INTEGER'),
  col('window_id', 'STRING'),
  col('promoted_at', 'TIMESTAMP'),
];

export const STAGING_TABLE = 'events_staging_function';
export const PROMOTER_LOCK_TABLE = 'events_promoter_lock';

export const EVENTS_PARTITION_COLUMN = 'event_timestamp';
export const LOGS_PARTITION_COLUMN = 'event_ds';

/** Dataset and table names; the defaults are the replaced pipeline's. */
export interface TableNames {
  eventsDataset: string;
  eventsTable: string;
  logsDataset: string;
  logsTable: string;
  debugTable: string;
}

export const DEFAULT_TABLE_NAMES: Readonly<TableNames> = {
  eventsDataset: 'events',
  eventsTable: 'events_function',
  logsDataset: 'logs',
  logsTable: 'events_logs_function',
  debugTable: 'events_debug_function',
};

/** BigQuery's rules for dataset and table ids (letters, digits, underscores; at most 1024). */
const NAME_RE = /^[A-Za-z_][A-Za-z0-9_]{0,1023}$/;

/** Throws naming the bad field when a dataset or table name is not a valid identifier. */
export function validateTableNames(names: TableNames): TableNames {
  for (const [key, value] of Object.entries(names)) {
    if (!NAME_RE.test(value)) {
      throw new Error(`invalid ${key} "${value}": use letters, digits and underscores, starting with a letter or _`);
    }
  }
  return names;
}
