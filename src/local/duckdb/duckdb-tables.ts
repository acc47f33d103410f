import { BIGINT, DATE, TIMESTAMPTZ, VARCHAR, type DuckDBType } from '@duckdb/node-api';
import type { Column, ColumnType } from '../../core/schema/table-schemas.js';

/** The DuckDB type of each contract column type: same names, matching types (contract §4). */
export const DUCKDB_TYPES: Record<ColumnType, { sql: string; type: DuckDBType }> = {
  STRING: { sql: 'VARCHAR', type: VARCHAR },
  INTEGER: { sql: 'BIGINT', type: BIGINT },
  // BigQuery's TIMESTAMP is an absolute instant, which is DuckDB's TIMESTAMPTZ.
  TIMESTAMP: { sql: 'TIMESTAMPTZ', type: TIMESTAMPTZ },
  DATE: { sql: 'DATE', type: DATE },
};

/** Double-quotes an identifier (names are validated beforehand; this guards the rest). */
export const quote = (id: string): string => `"${id.replace(/"/g, '""')}"`;

/** `CREATE TABLE IF NOT EXISTS` for one table of the shared schema. */
export function createTableSql(schema: string, table: string, columns: readonly Column[]): string {
  const cols = columns.map((c) => `${quote(c.name)} ${DUCKDB_TYPES[c.type].sql}`).join(', ');
  return `CREATE TABLE IF NOT EXISTS ${quote(schema)}.${quote(table)} (${cols})`;
}

/** `ALTER TABLE … ADD COLUMN` for columns an existing table lacks (new columns are NULLABLE). */
export function addColumnSql(schema: string, table: string, column: Column): string {
  return `ALTER TABLE ${quote(schema)}.${quote(table)} ADD COLUMN IF NOT EXISTS ${quote(column.name)} ${DUCKDB_TYPES[column.type].sql}`;
}
