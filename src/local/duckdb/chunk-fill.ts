import duckdb from '@duckdb/node-bindings';
import type { DuckDBDataChunk } from '@duckdb/node-api';
import { BugError } from '../../core/errors.js';

/**
 * Fills a data chunk's vectors from our columns with one memory copy per column, instead of the
 * node API's value by value (`setColumns`). DuckDB's strings are 16-byte entries (`duckdb_string_t`
 * in duckdb.h: a 32-bit length, then up to 12 bytes inline or a prefix and a pointer): an ASCII
 * string of at most 12 bytes (an event's class, type, source, build, environment, most ids) is
 * written inline here, and only a longer one costs a native call, which copies it into the vector's
 * own heap. Integers, timestamps (microseconds) and dates (days) are the vectors' own 64- and 32-bit
 * values. A null clears its row's validity bit.
 */

/**
 * An INTEGER or TIMESTAMP column as the worker takes it: the 64-bit values DuckDB's vector holds
 * (cloned between threads as one copy, where an array of BigInts is a value at a time) and which
 * rows are NULL (1), if any is.
 */
export interface Int64Column {
  int64: BigInt64Array;
  nulls: Uint8Array | null;
}

/**
 * The values of one of the chunk's columns (n of them from `start`), or null for a column of NULLs:
 * an INTEGER or TIMESTAMP column as its 64-bit values, a STRING or DATE column as plain values.
 */
export type ChunkColumn =
  | { type: 'INTEGER' | 'TIMESTAMP'; values: Int64Column | null }
  | { type: 'STRING' | 'DATE'; values: readonly unknown[] | null };

const STRING_BYTES = 16;
const INLINE_BYTES = 12;
const DAY_MS = 86_400_000;

/**
 * Fills `chunk` with rows `start` to `start + n` of `columns`; returns about their bytes (text
 * lengths, 16 per other value), what the store's memory budget counts.
 */
export function fillChunk(chunk: DuckDBDataChunk, columns: readonly ChunkColumn[], start: number, n: number): number {
  chunk.reset();
  let size = 0;
  columns.forEach((column, i) => {
    const vector = duckdb.data_chunk_get_vector(chunk.chunk, i);
    if (column.values === null) {
      size += 16 * n;
      return setNulls(vector, n, () => true);
    }
    if (column.type === 'STRING') return (size += fillStrings(vector, column.values, start, n));
    size += 16 * n;
    if (column.type === 'DATE') return fillDates(vector, column.values, start, n);
    const values = column.values as Int64Column;
    // The type says so, but the values crossed a thread: anything else would be copied as garbage.
    if (!(values.int64 instanceof BigInt64Array)) throw new BugError(`a ${column.type} column not as 64-bit values`);
    return copyInt64(vector, values, start, n);
  });
  chunk.rowCount = n;
  return size;
}

/** Writes the strings; returns their length in all (16 for a null). */
function fillStrings(vector: duckdb.Vector, values: readonly unknown[], start: number, n: number): number {
  const bytes = new Uint8Array(n * STRING_BYTES);
  const lengths = new Uint32Array(bytes.buffer);
  let long: number[] | undefined;
  let nulls = false;
  let size = 0;
  for (let r = 0; r < n; r++) {
    const v = values[start + r];
    if (typeof v !== 'string') {
      nulls = true;
      size += 16;
      continue;
    }
    size += v.length;
    if (!inline(v, bytes, r * STRING_BYTES)) (long ??= []).push(r);
    else lengths[r * 4] = v.length;
  }
  duckdb.copy_data_to_vector(vector, 0, bytes.buffer, 0, bytes.byteLength);
  if (long) for (const r of long) duckdb.vector_assign_string_element(vector, r, values[start + r] as string);
  if (nulls) setNulls(vector, n, (r) => typeof values[start + r] !== 'string');
  return size;
}

/** Writes `s` into its 16-byte entry at `at` when it is ASCII of at most 12 bytes; false otherwise. */
function inline(s: string, bytes: Uint8Array, at: number): boolean {
  const length = s.length;
  if (length > INLINE_BYTES) return false;
  for (let j = 0; j < length; j++) {
    const c = s.charCodeAt(j);
    if (c > 0x7f) return false;
    bytes[at + 4 + j] = c;
  }
  return true;
}

/** 64-bit values already laid out as the vector holds them: one copy, and the nulls marked. */
function copyInt64(vector: duckdb.Vector, values: Int64Column, start: number, n: number): void {
  const { int64, nulls } = values;
  duckdb.copy_data_to_vector(vector, 0, int64.buffer as ArrayBuffer, int64.byteOffset + start * 8, n * 8);
  if (nulls === null) return;
  let any = false;
  for (let r = 0; r < n && !any; r++) any = nulls[start + r] === 1;
  if (any) setNulls(vector, n, (r) => nulls[start + r] === 1);
}

function fillDates(vector: duckdb.Vector, values: readonly unknown[], start: number, n: number): void {
  const items = new Int32Array(n);
  let nulls = false;
  for (let r = 0; r < n; r++) {
    const v = values[start + r];
    if (v === null || v === undefined) nulls = true;
    else {
      const ms = Date.parse(`${String(v)}T00:00:00Z`);
      if (Number.isNaN(ms)) throw new RangeError(`${String(v)} is not a date (YYYY-MM-DD)`);
      items[r] = Math.round(ms / DAY_MS);
    }
  }
  duckdb.copy_data_to_vector(vector, 0, items.buffer, 0, items.byteLength);
  if (nulls) setNulls(vector, n, (r) => values[start + r] === null || values[start + r] === undefined);
}

/**
 * Clears the validity bit of every row `isNull` names: the mask's 64-bit words as pairs of 32-bit
 * halves, low half first (every platform DuckDB's Node bindings ship for is little-endian).
 */
function setNulls(vector: duckdb.Vector, n: number, isNull: (r: number) => boolean): void {
  const mask = new Uint32Array(2 * Math.ceil(n / 64)).fill(0xffff_ffff);
  for (let r = 0; r < n; r++) if (isNull(r)) mask[r >>> 5]! &= ~(1 << (r & 31));
  duckdb.vector_ensure_validity_writable(vector);
  duckdb.copy_data_to_vector_validity(vector, 0, mask.buffer, 0, mask.byteLength);
}
