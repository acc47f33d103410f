import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import type { EventRow, LogRow } from '../../core/schema/rows.js';
import { writeOneFile, type RowBatch } from '../../ports/warehouse.js';
import { queryDuckDb } from '../../../test/helpers/duckdb-query.js';
import { createDuckDbWarehouse } from './duckdb-warehouse.js';

// Tables and inputs of the kinds hostile testing used (issue 11, items 1, 2 and 12).

const event = (id: string, attributes: string): EventRow => ({
  analytics_environment: 'testing',
  batch_id: 'b',
  event_id: id,
  event_index: 7n,
  event_source: null,
  event_class: 'session',
  event_type: 'type-value',
  session_id: 'session-value',
  build_version: null,
  event_environment: null,
  event_timestamp: 1_772_323_200_123_456n,
  received_timestamp: null,
  inserted_timestamp: 1_772_323_300_000_000n,
  job_name: 'test',
  event_attributes: attributes,
});
const log = (path: string, text: string): LogRow => ({
  job_name: 'test',
  processed_timestamp: 1_772_323_300_000_000n,
  batch_id: 'b',
  analytics_environment: 'testing',
  event_category: 'c',
  event_time: '0-8',
  event_ds: '2026-03-01',
  event: text,
  file_path: path,
  file_generation: '1',
});

/** A file of `n` events whose attributes are `size` characters each, in batches of 1,000 as parsed. */
async function* file(path: string, n: number, size: number): AsyncGenerator<RowBatch> {
  yield { events: [], debug: [], logs: [log(path, 'parse_initiated')] };
  const pad = 'a'.repeat(size);
  for (let i = 0; i < n; i += 1000) {
    yield {
      events: Array.from({ length: Math.min(1000, n - i) }, (_, k) =>
        event(`${path}-${i + k}`, `{"blob":"${pad}","i":${i + k}}`),
      ),
      debug: [],
      logs: [],
    };
  }
  yield { events: [], debug: [], logs: [log(path, `ingested: ${n} events`)] };
}

async function sql(path: string, statements: string[]): Promise<void> {
  const instance = await DuckDBInstance.create(path);
  const connection = await instance.connect();
  for (const s of statements) await connection.run(s);
  connection.closeSync();
  instance.closeSync();
}

const tempFile = () => join(mkdtempSync(join(tmpdir(), 'wh-hostile-')), 'w.duckdb');

describe('DuckDB warehouse, hostile inputs', () => {
  it('lands files of large attributes under a small memory limit (20,000 events of 5 KB in 16 MB)', async () => {
    const path = tempFile();
    const wh = await createDuckDbWarehouse(path, undefined, { memoryLimit: '16MB' });
    expect(await writeOneFile(wh, { filePath: '/b/big', generation: '1' }, file('/b/big', 20_000, 5_000))).toBe(
      'written',
    );
    expect(await writeOneFile(wh, { filePath: '/b/wide', generation: '1' }, file('/b/wide', 300, 50_000))).toBe(
      'written',
    );
    await wh.close();
    expect(
      await queryDuckDb(
        path,
        'SELECT count(*), count(DISTINCT event_id), sum(length(event_attributes)) > 20000 * 5000 FROM events.events_function',
      ),
    ).toEqual([[20_300n, 20_300n, true]]);
  });

  it('writes by column name into tables made with their columns in another order, and the ledger still works', async () => {
    const path = tempFile();
    const wh = await createDuckDbWarehouse(path);
    await wh.ensureTables();
    await wh.close();
    // The same columns, two of them swapped in each table, as a hand-made table might have them.
    const swap = (table: string, a: string, b: string) => [
      `CREATE TABLE tmp AS SELECT * FROM ${table}`,
      `DROP TABLE ${table}`,
      `CREATE TABLE ${table} AS SELECT * EXCLUDE (${a}, ${b}), ${b}, ${a} FROM tmp`,
      'DROP TABLE tmp',
    ];
    await sql(path, [
      ...swap('events.events_function', 'event_type', 'session_id'),
      ...swap('logs.events_logs_function', 'event', 'file_path'),
    ]);
    const key = { filePath: '/b/f', generation: '1' };
    const again = await createDuckDbWarehouse(path);
    expect(await writeOneFile(again, key, file('/b/f', 3, 10))).toBe('written');
    expect(await again.ingested([key])).toEqual(new Set(['/b/f#1']));
    expect(await writeOneFile(again, key, file('/b/f', 3, 10))).toBe('already-ingested');
    await again.close();
    expect(await queryDuckDb(path, 'SELECT DISTINCT event_type, session_id FROM events.events_function')).toEqual([
      ['type-value', 'session-value'],
    ]);
    expect(
      await queryDuckDb(
        path,
        "SELECT file_path, count(*) FROM logs.events_logs_function WHERE starts_with(event, 'ingested') GROUP BY ALL",
      ),
    ).toEqual([['/b/f', 1n]]);
  });

  it('refuses a table whose column has another type, before writing anything', async () => {
    const path = tempFile();
    const wh = await createDuckDbWarehouse(path);
    await wh.ensureTables();
    await wh.close();
    await sql(path, ['ALTER TABLE events.events_function ALTER event_index TYPE VARCHAR']);
    const again = await createDuckDbWarehouse(path);
    const refused = await writeOneFile(again, { filePath: '/b/f', generation: '1' }, file('/b/f', 3, 10)).catch(
      (e: unknown) => e,
    );
    await again.close();
    expect(refused).toMatchObject({
      name: 'UserError',
      message: 'table events.events_function has column event_index as VARCHAR, where this tool writes BIGINT',
    });
    expect(
      await queryDuckDb(
        path,
        'SELECT (SELECT count(*) FROM events.events_function) + (SELECT count(*) FROM logs.events_logs_function)',
      ),
    ).toEqual([[0n]]);
  });

  it('refuses a file that is not a DuckDB file, naming the cause (no extension fetched, no "another backfill" guess)', async () => {
    for (const [name, bytes] of [
      ['data.csv', 'a,b\n1,2\n'],
      ['app.sqlite', 'SQLite format 3\u0000' + '\u0000'.repeat(100)],
    ] as const) {
      const path = join(mkdtempSync(join(tmpdir(), 'wh-hostile-')), name);
      writeFileSync(path, bytes);
      const refused = await createDuckDbWarehouse(path).catch((e: unknown) => e as Error);
      expect(refused).toMatchObject({ name: 'UserError', exitCode: 2 });
      expect((refused as Error).message).toMatch(/not a DuckDB file/);
      expect(`${(refused as Error).message} ${(refused as { hint?: string }).hint}`).not.toMatch(
        /another backfill|extension|http/i,
      );
    }
  });
});
