import { DuckDBDateValue, DuckDBTimestampTZValue, type DuckDBAppender, type DuckDBValue } from '@duckdb/node-api';
import type { Column } from '../../core/schema/table-schemas.js';
import type { TableLayout } from './duckdb-layout.js';
import type { ColumnType } from '../../core/schema/table-schemas.js';

const CHUNK_ROWS = 2048; // DuckDB's vector size: one data chunk holds at most this many rows.

export type TableKind = 'events' | 'debug' | 'logs';

/** Rows of one table as columns (in the shared schema's order), the shape DuckDB appends fastest. */
export type Columns = unknown[][];

/** A group of files for one transaction: each file's row counts, then every row as columns. */
export interface GroupPayload {
  /** `[file_path, generation, events, debug rows, log rows]`, in the order their rows come. */
  files: [string, string, number, number, number][];
  events: Columns;
  debug: Columns;
  logs: Columns;
}

/**
 * Appends rows given as columns of `schema` to `appender`, laid out as the table's `layout` says,
 * as data chunks: far fewer native calls than value by value. Before each chunk goes in, `before`
 * hears its size: about its bytes (text lengths, 16 per other value) and its rows.
 */
export async function appendColumns(
  appender: DuckDBAppender,
  layout: TableLayout,
  schema: readonly Column[],
  columns: Columns,
  before: (bytes: number, rows: number) => Promise<void>,
): Promise<void> {
  const { chunk, source } = layout;
  const rows = columns[0]?.length ?? 0;
  for (let start = 0; start < rows; start += CHUNK_ROWS) {
    const n = Math.min(CHUNK_ROWS, rows - start);
    let bytes = 0;
    const values = source.map((k): readonly DuckDBValue[] => {
      if (k < 0) return new Array<DuckDBValue>(n).fill(null); // a column of the table's own
      const type = schema[k]!.type;
      const column = columns[k] ?? [];
      const part = start === 0 && n === column.length ? column : column.slice(start, start + n);
      if (type === 'STRING') {
        // Strings (or null) already: handed over as they are, no copy converted value by value.
        for (const v of part) bytes += typeof v === 'string' ? v.length : 16;
        return part as (string | null)[];
      }
      bytes += 16 * n;
      return part.map((v): DuckDBValue => toDuckValue(type, v));
    });
    await before(bytes, n);
    chunk.reset();
    chunk.setColumns(values as DuckDBValue[][]);
    appender.appendDataChunk(chunk);
  }
}

/** The rows of the files marked in `keep`, given each file's row count, in order. */
export function keepRows(columns: Columns, counts: readonly number[], keep: readonly boolean[]): Columns {
  return columns.map((values) => {
    const out: unknown[] = [];
    let at = 0;
    counts.forEach((n, i) => {
      if (keep[i]) for (let r = at; r < at + n; r++) out.push(values[r]);
      at += n;
    });
    return out;
  });
}

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
