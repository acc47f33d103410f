import type { EventRow, LogRow } from '../../core/schema/rows.js';
import { EVENT_COLUMNS, LOG_COLUMNS, type Column } from '../../core/schema/table-schemas.js';
import type { GatheredFile } from '../../writers/group-writer.js';
import type { Columns, GroupPayload, TableKind } from './duckdb-append.js';

/** Row lists as one set of columns in the schema's order: plain values, cheap to hand to the worker. */
export function toColumns(lists: readonly (readonly (EventRow | LogRow)[])[], columns: readonly Column[]): Columns {
  return columns.map((c) => {
    const values: unknown[] = [];
    for (const rows of lists)
      for (const row of rows) values.push((row as unknown as Record<string, unknown>)[c.name] ?? null);
    return values;
  });
}

/** A gathered group as the worker takes it: each file's row counts, then all rows as columns. */
export function groupPayload(files: readonly GatheredFile[]): GroupPayload {
  const count = (f: GatheredFile, kind: TableKind) => f.batches.reduce((n, b) => n + b[kind].length, 0);
  const all = (kind: TableKind) => files.flatMap((f) => f.batches.map((b) => b[kind]));
  return {
    files: files.map((f) => [
      f.file.filePath,
      f.file.generation,
      count(f, 'events'),
      count(f, 'debug'),
      count(f, 'logs'),
    ]),
    events: toColumns(all('events'), EVENT_COLUMNS),
    debug: toColumns(all('debug'), LOG_COLUMNS),
    logs: toColumns(all('logs'), LOG_COLUMNS),
  };
}
