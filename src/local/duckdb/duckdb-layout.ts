import { DuckDBDataChunk, type DuckDBAppender, type DuckDBConnection, type DuckDBType } from '@duckdb/node-api';
import { UserError } from '../../core/errors.js';
import type { Column } from '../../core/schema/table-schemas.js';
import { DUCKDB_TYPES } from './duckdb-tables.js';

/**
 * How one existing table's columns line up with the shared schema. DuckDB's appender writes by
 * position, so rows are laid out in the table's own column order: a table made by hand (or by an
 * older tool) with its columns in another order gets each value under its own name.
 */
export interface TableLayout {
  /** For each of the table's columns, in its order: the index of the schema column, or -1 (NULL). */
  readonly source: readonly number[];
  /** A reusable data chunk of the table's column types (native memory is freed only by the GC). */
  readonly chunk: DuckDBDataChunk;
}

/** The DuckDB type name information_schema reports for each contract type. */
const REPORTED: Record<string, string> = {
  VARCHAR: 'VARCHAR',
  BIGINT: 'BIGINT',
  TIMESTAMPTZ: 'TIMESTAMP WITH TIME ZONE',
  DATE: 'DATE',
};

/**
 * Reads the table's columns and lines them up with `columns`. A shared column of another type is
 * refused (one line naming the table, the column and both types): nothing is written to it. The
 * table's extra columns get NULL.
 */
export async function readLayout(
  connection: DuckDBConnection,
  schema: string,
  table: string,
  columns: readonly Column[],
  appender: DuckDBAppender,
): Promise<TableLayout> {
  const reader = await connection.runAndReadAll(
    `SELECT column_name, data_type FROM information_schema.columns
     WHERE table_catalog = current_database() AND table_schema = $schema AND table_name = $table ORDER BY ordinal_position`,
    { schema, table },
  );
  const rows = reader.getRowsJS().map(([name, type]) => [String(name), String(type)] as const);
  const types: DuckDBType[] = [];
  const source = rows.map(([name, type], i) => {
    const k = columns.findIndex((c) => c.name === name.toLowerCase()); // DuckDB's names ignore case
    types.push(appender.columnType(i));
    if (k < 0) return -1;
    const want = DUCKDB_TYPES[columns[k]!.type].sql;
    if (type !== (REPORTED[want] ?? want)) {
      throw new UserError(
        `table ${schema}.${table} has column ${name} as ${type}, where this tool writes ${want}`,
        'Rename that table (or use another --warehouse file); nothing was written',
        2,
      );
    }
    return k;
  });
  if (rows.length !== appender.columnCount)
    throw new Error(
      `table ${schema}.${table}: ${rows.length} columns listed, the appender has ${appender.columnCount}`,
    );
  return { source, chunk: DuckDBDataChunk.create(types) };
}
