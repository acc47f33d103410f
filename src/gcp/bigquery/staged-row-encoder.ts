import { STAGING_COLUMNS } from '../../core/schema/table-schemas.js';
import type { StagedRequest, StagedRow } from './bigquery-staging.js';

/**
 * The staging row's fields in the Write API's serialized form (proto2, field `i + 1` is
 * `STAGING_COLUMNS[i]`, as the client's adapter numbers them; strings length-delimited, integers and
 * the timestamp, in microseconds, varints). Written by hand straight into the request's buffer: the
 * client's encoder (protobufjs) gives each row a buffer of its own first, one more copy of every
 * row, which for rows of 4 MiB was 10-20 MiB more at the peak (docs/function.md#memory). The bytes
 * are the client's, row by row (`staged-row-encoder.test.ts` compares them).
 */
const FIELDS = [
  'file_path',
  'file_generation',
  'attempt_id',
  'kind',
  'row_number',
  'payload',
  'expected_rows',
  'staged_at',
];
if (STAGING_COLUMNS.some((c, i) => c.name !== FIELDS[i]))
  throw new Error('staged-row-encoder: STAGING_COLUMNS changed');

const STRING = 2;
const VARINT = 0;
const tag = (field: number, wire: number) => (field << 3) | wire;

/** Bytes of `v` as a varint (an int64: a negative one takes ten). */
function varintBytes(v: number): number {
  if (v < 0) return 10;
  let n = 1;
  while (v >= 128) {
    v = Math.floor(v / 128);
    n++;
  }
  return n;
}

function writeVarint(buf: Buffer, at: number, v: number): number {
  if (v < 0) {
    let u = BigInt.asUintN(64, BigInt(v));
    for (let i = 0; i < 9; i++, u >>= 7n) buf[at++] = Number(u & 0x7fn) | 0x80;
    buf[at++] = Number(u);
    return at;
  }
  while (v >= 128) {
    buf[at++] = (v % 128) | 0x80;
    v = Math.floor(v / 128);
  }
  buf[at++] = v;
  return at;
}

/**
 * Gathers a request's serialized rows into one growing buffer. A request is held until it is
 * acknowledged, and the rows it holds were made while many young collections ran, so rows kept as
 * objects (and the client's `JSONWriter` copying each one and encoding it into a buffer of its own)
 * reached V8's old generation: 10,000 small rows are some 30,000 objects there per request, which
 * is what took the function's heap past its bound (docs/function.md#memory). Here a row's objects
 * die young and a request is one buffer outside the heap.
 */
export class RequestBuilder {
  private buffer = Buffer.allocUnsafe(16 * 1024);
  private ends: number[] = [];
  private length = 0;

  get count(): number {
    return this.ends.length;
  }

  get bytes(): number {
    return this.length;
  }

  /** The bytes `row` takes once serialized. */
  static size(row: StagedRow): number {
    const strings = [row.file_path, row.file_generation, row.attempt_id, row.kind, row.payload];
    let n = 0;
    for (const s of strings) {
      if (s === null) continue;
      const len = Buffer.byteLength(s, 'utf8');
      n += 1 + varintBytes(len) + len;
    }
    n += 1 + varintBytes(row.row_number) + 1 + varintBytes(row.staged_at.getTime() * 1000);
    if (row.expected_rows !== null) n += 1 + varintBytes(row.expected_rows);
    return n;
  }

  /** Serializes `row` at the end of the request; `size` is `RequestBuilder.size(row)`. */
  add(row: StagedRow, size = RequestBuilder.size(row)): void {
    const need = this.length + size;
    if (need > this.buffer.length) {
      const grown = Buffer.allocUnsafe(Math.max(need, this.buffer.length * 2));
      this.buffer.copy(grown, 0, 0, this.length);
      this.buffer = grown;
    }
    const buf = this.buffer;
    let at = this.length;
    const string = (field: number, s: string | null) => {
      if (s === null) return;
      buf[at++] = tag(field, STRING);
      at = writeVarint(buf, at, Buffer.byteLength(s, 'utf8'));
      at += buf.write(s, at, 'utf8');
    };
    const int = (field: number, v: number | null) => {
      if (v === null) return;
      buf[at++] = tag(field, VARINT);
      at = writeVarint(buf, at, v);
    };
    string(1, row.file_path);
    string(2, row.file_generation);
    string(3, row.attempt_id);
    string(4, row.kind);
    int(5, row.row_number);
    string(6, row.payload);
    int(7, row.expected_rows);
    int(8, row.staged_at.getTime() * 1000);
    if (at !== need) throw new Error(`staged-row-encoder: wrote ${at - this.length} bytes, sized ${size}`);
    this.length = need;
    this.ends.push(need);
  }

  /** The rows gathered so far, as a request; the builder starts again empty. */
  take(): StagedRequest {
    const { buffer, ends, length } = this;
    let start = 0;
    const rows = ends.map((end) => {
      const row = buffer.subarray(start, end);
      start = end;
      return row;
    });
    this.buffer = Buffer.allocUnsafe(16 * 1024);
    this.ends = [];
    this.length = 0;
    return { rows, bytes: length };
  }
}
