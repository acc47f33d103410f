import { BIGINT, DATE, DuckDBDataChunk, DuckDBInstance, TIMESTAMPTZ, VARCHAR } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { fillChunk, type ChunkColumn, type Int64Column } from './chunk-fill.js';
import { keepRows } from './duckdb-append.js';
import { toColumns } from './duckdb-protocol.js';
import type { Column } from '../../core/schema/table-schemas.js';
import type { EventRow } from '../../core/schema/rows.js';

/** 64-bit values as the worker is handed them: through the same hand-over a group's rows take. */
function int64(values: readonly (bigint | number | null)[]): Int64Column {
  const schema: Column[] = [{ name: 'v', type: 'INTEGER', mode: 'NULLABLE' }];
  return toColumns([values.map((v) => ({ v }) as unknown as EventRow)], schema)[0] as Int64Column;
}

/** Appends `columns` (rows `start` to `start + n`, in chunks as the store does) and reads the table back. */
async function roundTrip(columns: ChunkColumn[], rows: number, chunkRows = rows) {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  await connection.run('CREATE TABLE t (s VARCHAR, i BIGINT, ts TIMESTAMPTZ, d DATE, own VARCHAR, r BIGINT)');
  const appender = await connection.createAppender('t');
  const chunk = DuckDBDataChunk.create([VARCHAR, BIGINT, TIMESTAMPTZ, DATE, VARCHAR, BIGINT]);
  const order: ChunkColumn[] = [
    ...columns,
    { type: 'INTEGER', values: int64(Array.from({ length: rows }, (_, r) => r)) },
  ];
  for (let start = 0; start < rows; start += chunkRows) {
    fillChunk(chunk, order, start, Math.min(chunkRows, rows - start));
    appender.appendDataChunk(chunk);
  }
  appender.closeSync();
  const reader = await connection.runAndReadAll(
    "SELECT s, i, epoch_us(ts), strftime(d, '%Y-%m-%d'), own FROM t ORDER BY r",
  );
  const back = reader.getRowsJS();
  connection.closeSync();
  instance.closeSync();
  return back;
}

const strings = [
  '',
  'a',
  'session',
  'exactly12byt', // 12 bytes: the most written inline
  'thirteen-byte', // 13: the first through DuckDB's own copy
  'é', // 2 bytes
  'ééééééé', // 7 characters, 14 bytes: not inline
  '😀', // a surrogate pair, 4 bytes
  'nul\u0000in', // NUL inside an inline string
  'a long string with a \u0000 NUL and 😀 in it',
  null,
  '{"level":14,"coins":542,"category":"bench"}',
];

describe('fillChunk', () => {
  it('writes every string, integer, timestamp, date and null exactly as the value it was given', async () => {
    const n = strings.length;
    const ints = [
      0n,
      1n,
      -1n,
      9_223_372_036_854_775_807n,
      -9_223_372_036_854_775_808n,
      2 ** 53,
      null,
      42,
      7n,
      -5,
      3n,
      8n,
    ];
    const micros = [
      0n,
      -62_135_596_800_000_000n,
      253_402_300_799_999_999n,
      1_772_323_200_123_456n,
      null,
      -1n,
      1n,
      2n,
      3n,
      4n,
      5n,
      6n,
    ];
    const days = [
      '0001-01-01',
      '9999-12-31',
      '1970-01-01',
      '1969-12-31',
      '2026-03-01',
      null,
      '2024-02-29',
      '2000-01-01',
      '1900-03-01',
      '2026-12-07',
      '2026-12-08',
      '2026-12-09',
    ];
    const back = await roundTrip(
      [
        { type: 'STRING', values: strings },
        { type: 'INTEGER', values: int64(ints) },
        { type: 'TIMESTAMP', values: int64(micros) },
        { type: 'DATE', values: days },
        { type: 'STRING', values: null },
      ],
      n,
    );
    expect(back).toEqual(
      strings.map((s, r) => [
        s,
        ints[r] === null ? null : BigInt(ints[r]!),
        micros[r],
        days[r],
        null, // a column of the table's own
      ]),
    );
  });

  it('keeps nulls to their own rows from one chunk to the next, the chunk reused', async () => {
    const rows = 5_000; // three chunks of at most 2,048
    const values = Array.from({ length: rows }, (_, r) => (r < 2_048 && r % 3 === 0 ? null : `v${r}`));
    const ints = Array.from({ length: rows }, (_, r) => (r >= 4_096 && r % 5 === 0 ? null : BigInt(r)));
    const back = await roundTrip(
      [
        { type: 'STRING', values },
        { type: 'INTEGER', values: int64(ints) },
        { type: 'TIMESTAMP', values: int64(ints) },
        { type: 'DATE', values: Array.from({ length: rows }, () => '2026-03-01') },
        { type: 'STRING', values: null },
      ],
      rows,
      2_048,
    );
    expect(back.map((row) => row[0])).toEqual(values);
    expect(back.map((row) => row[1])).toEqual(ints);
    expect(back.map((row) => row[2])).toEqual(ints);
  });

  it('refuses a date it cannot read rather than writing 1970-01-01', async () => {
    const one = (type: 'STRING' | 'DATE', value: unknown): ChunkColumn => ({ type, values: [value] });
    await expect(
      roundTrip(
        [
          one('STRING', 'x'),
          { type: 'INTEGER', values: int64([1n]) },
          { type: 'TIMESTAMP', values: int64([0n]) },
          one('DATE', '2026-02-30x'),
          { type: 'STRING', values: null },
        ],
        1,
      ),
    ).rejects.toThrow(/is not a date/);
  });

  it('64-bit columns handed over as typed arrays (cloned between threads, a file left out) read back as the values given', async () => {
    const rows = 5_000;
    const ints = Array.from({ length: rows }, (_, r) =>
      r % 7 === 0 ? null : r % 11 === 0 ? -(2n ** 63n) : r % 13 === 0 ? 2n ** 63n - 1n : BigInt(r * 1_000_003),
    );
    const micros = Array.from({ length: rows }, (_, r) =>
      r >= 4_000 && r % 5 === 0 ? null : 1_772_323_200_123_456n + BigInt(r),
    );
    const schema: Column[] = [
      { name: 'i', type: 'INTEGER', mode: 'NULLABLE' },
      { name: 't', type: 'TIMESTAMP', mode: 'NULLABLE' },
    ];
    const asRows = ints.map((i, r) => ({ i, t: micros[r] }) as unknown as EventRow);
    // Three "files" of 1,000, 2,500 and 1,500 rows; the second left out, as a group drops a file the ledger has.
    const counts = [1_000, 2_500, 1_500];
    const keep = [true, false, true];
    const [i, t] = keepRows(structuredClone(toColumns([asRows], schema)), counts, keep);
    const kept = (values: unknown[]) => [...values.slice(0, 1_000), ...values.slice(3_500)];
    const n = 2_500;
    const back = await roundTrip(
      [
        { type: 'STRING', values: Array.from({ length: n }, () => 's') },
        { type: 'INTEGER', values: i as Int64Column },
        { type: 'TIMESTAMP', values: t as Int64Column },
        { type: 'DATE', values: Array.from({ length: n }, () => '2026-03-01') },
        { type: 'STRING', values: null },
      ],
      n,
      2_048,
    );
    expect(back.map((row) => row[1])).toEqual(kept(ints));
    expect(back.map((row) => row[2])).toEqual(kept(micros));
  });

  it('refuses, when it hands rows over, an integer beyond BIGINT rather than wrapping it', () => {
    const schema: Column[] = [{ name: 'i', type: 'INTEGER', mode: 'NULLABLE' }];
    const row = (i: bigint) => ({ i }) as unknown as EventRow;
    expect(() => toColumns([[row(2n ** 63n)]], schema)).toThrow(/out of BIGINT's range/);
    expect(() => toColumns([[row(-(2n ** 63n) - 1n)]], schema)).toThrow(/out of BIGINT's range/);
  });
});
