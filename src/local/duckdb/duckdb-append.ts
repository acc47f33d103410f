import type { DuckDBAppender } from '@duckdb/node-api';
import type { Column } from '../../core/schema/table-schemas.js';
import type { TableLayout } from './duckdb-layout.js';
import { BugError } from '../../core/errors.js';
import { fillChunk, type ChunkColumn, type Int64Column } from './chunk-fill.js';

export type { Int64Column };

const CHUNK_ROWS = 2048; // DuckDB's vector size: one data chunk holds at most this many rows.

export type TableKind = 'events' | 'debug' | 'logs';

/** One column's values: plain values, or an INTEGER or TIMESTAMP column's 64-bit ones. */
export type ColumnValues = unknown[] | Int64Column;

/** Rows of one table as columns (in the shared schema's order), the shape DuckDB appends fastest. */
export type Columns = ColumnValues[];

/** How many rows a column holds. */
export function columnLength(values: ColumnValues | undefined): number {
  if (values === undefined) return 0;
  return Array.isArray(values) ? values.length : values.int64.length;
}

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
  const rows = columnLength(columns[0]);
  const chunkColumns = source.map((k): ChunkColumn => {
    if (k < 0) return { type: 'STRING', values: null }; // a column of the table's own: NULL
    const type = schema[k]!.type;
    const values = columns[k];
    if (type === 'INTEGER' || type === 'TIMESTAMP') {
      if (values === undefined || Array.isArray(values)) throw new BugError(`${type} column ${k} not as 64-bit values`);
      return { type, values };
    }
    if (!Array.isArray(values)) throw new BugError(`${type} column ${k} not as plain values`);
    return { type, values };
  });
  for (let start = 0; start < rows; start += CHUNK_ROWS) {
    const n = Math.min(CHUNK_ROWS, rows - start);
    // Filled first (the chunk is ours until appended), so its strings are walked once.
    const bytes = fillChunk(chunk, chunkColumns, start, n);
    await before(bytes, n);
    appender.appendDataChunk(chunk);
  }
}

/** The rows of the files marked in `keep`, given each file's row count, in order. */
export function keepRows(columns: Columns, counts: readonly number[], keep: readonly boolean[]): Columns {
  return columns.map((values): ColumnValues => {
    if (!Array.isArray(values)) return keepInt64(values, counts, keep);
    const out: unknown[] = [];
    let at = 0;
    counts.forEach((n, i) => {
      if (keep[i]) for (let r = at; r < at + n; r++) out.push(values[r]);
      at += n;
    });
    return out;
  });
}

function keepInt64(values: Int64Column, counts: readonly number[], keep: readonly boolean[]): Int64Column {
  const kept = counts.reduce((sum, n, i) => sum + (keep[i] ? n : 0), 0);
  const out: Int64Column = { int64: new BigInt64Array(kept), nulls: values.nulls && new Uint8Array(kept) };
  let at = 0;
  let to = 0;
  counts.forEach((n, i) => {
    if (keep[i]) {
      out.int64.set(values.int64.subarray(at, at + n), to);
      out.nulls?.set(values.nulls!.subarray(at, at + n), to);
      to += n;
    }
    at += n;
  });
  return out;
}
