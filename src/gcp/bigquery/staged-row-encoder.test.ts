import { adapt } from '@google-cloud/bigquery-storage';
import { JSONEncoder } from '@google-cloud/bigquery-storage/build/src/managedwriter/encoder.js';
import { describe, expect, it } from 'vitest';
import { STAGING_COLUMNS } from '../../core/schema/table-schemas.js';
import { field } from './bigquery-ddl.js';
import type { StagedRow } from './bigquery-staging.js';
import { RequestBuilder } from './staged-row-encoder.js';

/** Each row serialized alone. */
const encodeStagedRow = (row: StagedRow) => {
  const builder = new RequestBuilder();
  builder.add(row);
  return builder.take().rows[0]!;
};

const descriptor = adapt.convertStorageSchemaToProto2Descriptor(
  adapt.convertBigQuerySchemaToStorageTableSchema({ fields: STAGING_COLUMNS.map(field) }),
  'staged_row',
);
const hex = (rows: Uint8Array[]) => rows.map((r) => Buffer.from(r).toString('hex'));

const base = { file_generation: '0', attempt_id: 'rabc-1', expected_rows: null };
const rows: StagedRow[] = [
  {
    ...base,
    file_path: 'data_type=json/analytics_environment=live/x é 🎮.json',
    file_generation: '1712345678901234',
    kind: 'event',
    row_number: 0,
    payload: '{"event_id":"e\\u0000","attributes":"{\\"a\\":1}"}',
    staged_at: new Date(Date.UTC(2026, 11, 7, 13, 0, 0, 123)),
  },
  {
    ...base,
    file_path: 'p',
    kind: 'log',
    row_number: 2 ** 40 + 7,
    payload: 'x'.repeat(70_000),
    staged_at: new Date(-1),
  },
  { ...base, file_path: 'p', kind: 'debug', row_number: 1, payload: '', staged_at: new Date(8_640_000_000_000) },
  {
    ...base,
    file_path: 'ü'.repeat(100),
    kind: 'event',
    row_number: 127,
    payload: '\u{10ffff}',
    staged_at: new Date(-62_135_596_800_000),
  },
  {
    ...base,
    file_path: 'q',
    kind: 'event',
    row_number: 128,
    payload: 'z'.repeat(16_384),
    staged_at: new Date(253_402_300_799_999),
  },
  { ...base, file_path: 'p', kind: 'done', row_number: 5, payload: null, expected_rows: 5, staged_at: new Date(0) },
];

describe('staged rows for the Write API', () => {
  it('are, row by row, the bytes the client JSON encoder gives for the same rows (what BigQuery decodes with our descriptor)', () => {
    const theirs = new JSONEncoder({ protoDescriptor: descriptor }).encodeRows(
      rows as unknown as Parameters<JSONEncoder['encodeRows']>[0],
    );
    expect(hex(rows.map(encodeStagedRow))).toEqual(hex(theirs));
  });

  it('are gathered into one buffer a request, counted in bytes, the builder empty again after each take', () => {
    const builder = new RequestBuilder();
    for (let i = 0; i < 3; i++) for (const r of rows) builder.add(r); // grows past its first buffer
    const encoded = rows.map(encodeStagedRow);
    const request = builder.take();
    expect(hex(request.rows)).toEqual(hex([...encoded, ...encoded, ...encoded]));
    expect(request.bytes).toBe(3 * encoded.reduce((n, r) => n + r.length, 0));
    expect(new Set(request.rows.map((r) => r.buffer)).size).toBe(1);
    expect([builder.count, builder.bytes, builder.take().rows]).toEqual([0, 0, []]);
    builder.add(rows[5]!);
    expect(hex(builder.take().rows)).toEqual(hex([encoded[5]!]));
  });
});
