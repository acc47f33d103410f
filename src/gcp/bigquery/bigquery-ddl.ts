import type { TableMetadata } from '@google-cloud/bigquery';
import {
  EVENT_COLUMNS,
  EVENTS_PARTITION_COLUMN,
  LOG_COLUMNS,
  LOGS_PARTITION_COLUMN,
  type Column,
  type TableNames,
} from '../../core/schema/table-schemas.js';

/** One BigQuery table this project writes, built from the shared column lists. */
export interface TableSpec {
  dataset: string;
  table: string;
  columns: readonly Column[];
  partitionColumn: string;
  /** Which rows of a RowBatch go here. */
  kind: 'events' | 'debug' | 'logs';
}

export function tableSpecs(names: TableNames): TableSpec[] {
  return [
    {
      dataset: names.eventsDataset,
      table: names.eventsTable,
      columns: EVENT_COLUMNS,
      partitionColumn: EVENTS_PARTITION_COLUMN,
      kind: 'events',
    },
    {
      dataset: names.logsDataset,
      table: names.debugTable,
      columns: LOG_COLUMNS,
      partitionColumn: LOGS_PARTITION_COLUMN,
      kind: 'debug',
    },
    {
      dataset: names.logsDataset,
      table: names.logsTable,
      columns: LOG_COLUMNS,
      partitionColumn: LOGS_PARTITION_COLUMN,
      kind: 'logs',
    },
  ];
}

/** A column as a BigQuery schema field. */
export function field(c: Column): { name: string; type: string; mode: string; description?: string } {
  return c.description === undefined
    ? { name: c.name, type: c.type, mode: c.mode }
    : { name: c.name, type: c.type, mode: c.mode, description: c.description };
}

/**
 * `tables.insert` metadata: the schema and DAY partitioning on the spec's column. The logs and
 * debug tables are also clustered on `file_path`, so a ledger lookup reads only the blocks of the
 * files asked about instead of whole days.
 */
export function tableMetadata(spec: TableSpec): TableMetadata {
  const md: TableMetadata = {
    schema: { fields: spec.columns.map(field) },
    timePartitioning: { type: 'DAY', field: spec.partitionColumn },
  };
  if (spec.kind !== 'events') md.clustering = { fields: ['file_path'] };
  return md;
}

/** Backquoted `project.dataset.table`. */
export function qualified(project: string, dataset: string, table: string): string {
  return `\`${project}.${dataset}.${table}\``;
}

/** How a column is read from one JSON-encoded row `r` (every value travels as a JSON string or null). */
function readColumn(c: Column): string {
  const v = `JSON_VALUE(r, '$.${c.name}')`;
  switch (c.type) {
    case 'STRING':
      return v;
    case 'INTEGER':
      return `CAST(${v} AS INT64)`;
    case 'TIMESTAMP':
      return `TIMESTAMP(${v})`;
    case 'DATE':
      return `CAST(${v} AS DATE)`;
  }
}

/**
 * `INSERT … SELECT … FROM UNNEST(JSON_QUERY_ARRAY(@param))`: rows travel as one JSON array in a
 * STRING query parameter, never in the SQL text. (The emulator does not take ARRAY<STRUCT>
 * parameters; JSON works on both it and BigQuery.)
 */
export function insertStatement(project: string, spec: TableSpec, param: string): string {
  return insertFrom(project, spec, `UNNEST(JSON_QUERY_ARRAY(@${param})) AS r`);
}

/** `INSERT INTO <spec's table> (columns) SELECT <each column read from r> FROM <from>`, where `from` yields `r`, one row as JSON. */
export function insertFrom(
  project: string,
  spec: Pick<TableSpec, 'dataset' | 'table' | 'columns'>,
  from: string,
): string {
  const cols = spec.columns.map((c) => c.name).join(', ');
  const reads = spec.columns.map(readColumn).join(', ');
  return `INSERT INTO ${qualified(project, spec.dataset, spec.table)} (${cols}) SELECT ${reads} FROM ${from}`;
}
