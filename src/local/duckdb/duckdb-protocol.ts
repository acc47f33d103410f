/**
 * What crosses between the DuckDB warehouse and its worker thread, typed from the store itself:
 * a request names one of the store's operations with that operation's arguments; a reply carries
 * its result, or an error with its kind (and, for an operator's error, the hint and exit code), so
 * the error thrown on this side is the one thrown on that side.
 * And the rows themselves: a group's or a file's rows as columns (`toColumns`, `groupPayload`), plain
 * values a structured clone copies cheaply.
 */
import { BugError, PermanentFileError, TransientError, UserError } from '../../core/errors.js';
import type { EventRow, LogRow } from '../../core/schema/rows.js';
import { EVENT_COLUMNS, LOG_COLUMNS, type Column, type TableNames } from '../../core/schema/table-schemas.js';
import type { GatheredFile } from '../../writers/group-writer.js';
import type { Columns, GroupPayload, Int64Column, TableKind } from './duckdb-append.js';
import type { DuckDbStore, StoreOptions } from './duckdb-store.js';

export type StoreOps = Pick<
  DuckDbStore,
  | 'ensureTables'
  | 'ingested'
  | 'ingestedRejecting'
  | 'sessionGaps'
  | 'landed'
  | 'landedUnder'
  | 'appendGroup'
  | 'commitGroup'
  | 'begin'
  | 'append'
  | 'commit'
  | 'rollback'
  | 'close'
>;
export type Op = keyof StoreOps;

export interface Request<K extends Op = Op> {
  id: number;
  op: K;
  args: Parameters<StoreOps[K]>;
}

export type Result<K extends Op> = Awaited<ReturnType<StoreOps[K]>>;

export interface WireError {
  kind: 'user' | 'transient' | 'permanent' | 'bug' | 'error';
  message: string;
  hint?: string;
  exitCode?: number;
}

/** The worker's first message: the file it opens (it answers with id 0). */
export interface Open {
  open: { file: string; names: TableNames; options: StoreOptions };
}

/** Id 0 is the file's opening; every other id answers the request that carried it. */
export type Reply = { id: number; result?: unknown; error?: WireError };

export function toWire(error: unknown): WireError {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof UserError)
    return {
      kind: 'user',
      message,
      exitCode: error.exitCode,
      ...(error.hint !== undefined ? { hint: error.hint } : {}),
    };
  if (error instanceof TransientError) return { kind: 'transient', message };
  if (error instanceof PermanentFileError) return { kind: 'permanent', message };
  if (error instanceof BugError) return { kind: 'bug', message };
  return { kind: 'error', message };
}

export function fromWire(error: WireError): Error {
  switch (error.kind) {
    case 'user':
      return new UserError(error.message, error.hint, error.exitCode);
    case 'transient':
      return new TransientError(error.message);
    case 'permanent':
      return new PermanentFileError(error.message);
    case 'bug':
      return new BugError(error.message);
    case 'error':
      return new Error(error.message);
  }
}

/** Runs one request on the store: the operation it names, with its arguments. */
export function perform<K extends Op>(store: StoreOps, request: Request<K>): Promise<Result<K>> {
  const operation = store[request.op] as (...args: Parameters<StoreOps[K]>) => Promise<Result<K>>;
  return operation.apply(store, request.args);
}

/**
 * Row lists as one set of columns in the schema's order, cheap to hand to the worker: plain values,
 * and INTEGER and TIMESTAMP columns as 64-bit arrays.
 */
export function toColumns(lists: readonly (readonly (EventRow | LogRow)[])[], columns: readonly Column[]): Columns {
  let rows = 0;
  for (const list of lists) rows += list.length;
  return columns.map((c) => {
    if (c.type === 'INTEGER' || c.type === 'TIMESTAMP') return toInt64(lists, c.name, rows);
    const values: unknown[] = [];
    for (const list of lists)
      for (const row of list) values.push((row as unknown as Record<string, unknown>)[c.name] ?? null);
    return values;
  });
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

function toInt64(lists: readonly (readonly (EventRow | LogRow)[])[], name: string, rows: number): Int64Column {
  const out: Int64Column = { int64: new BigInt64Array(rows), nulls: null };
  let r = 0;
  for (const list of lists)
    for (const row of list) {
      const v = (row as unknown as Record<string, unknown>)[name];
      if (typeof v === 'bigint') {
        // A BigInt64Array would wrap it silently.
        if (v < INT64_MIN || v > INT64_MAX) throw new RangeError(`${v} is out of BIGINT's range`);
        out.int64[r] = v;
      } else if (typeof v === 'number') out.int64[r] = BigInt(v);
      else (out.nulls ??= new Uint8Array(rows))[r] = 1;
      r++;
    }
  return out;
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
