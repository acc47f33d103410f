import { DuckDBDateValue, DuckDBTimestampTZValue, type DuckDBValue } from '@duckdb/node-api';
import type { ColumnType } from '../../core/schema/table-schemas.js';

const DAY_MS = 86_400_000;

/** Converts a row value of the shared row shapes to the DuckDB value of its column type. */
export function toDuckValue(type: ColumnType, value: unknown): DuckDBValue {
  if (value === null || value === undefined) return null;
  switch (type) {
    case 'STRING':
      return String(value);
    case 'INTEGER':
      return typeof value === 'bigint' ? value : BigInt(value as number);
    case 'TIMESTAMP':
      return new DuckDBTimestampTZValue(value as bigint);
    case 'DATE':
      return new DuckDBDateValue(Math.round(Date.parse(`${String(value)}T00:00:00Z`) / DAY_MS));
  }
}
