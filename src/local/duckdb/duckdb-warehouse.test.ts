import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import type { EventRow, LogRow } from '../../core/schema/rows.js';
import { writeOneFile, type RowBatch } from '../../ports/warehouse.js';
import { createDuckDbWarehouse, startDuckDbWorker } from './duckdb-warehouse.js';

const event = (id: string): EventRow => ({
  analytics_environment: 'testing',
  batch_id: 'b',
  event_id: id,
  event_index: 7n,
  event_source: null,
  event_class: 'session',
  event_type: null,
  session_id: 's',
  build_version: null,
  event_environment: null,
  event_timestamp: 1_772_323_200_123_456n,
  received_timestamp: null,
  inserted_timestamp: 1_772_323_300_000_000n,
  job_name: 'test',
  event_attributes: '{"a":1}',
});
const log = (path: string, event: string): LogRow => ({
  job_name: 'test',
  processed_timestamp: 1_772_323_300_000_000n,
  batch_id: 'b',
  analytics_environment: 'testing',
  event_category: 'c',
  event_time: '0-8',
  event_ds: '2026-03-01',
  event,
  file_path: path,
  file_generation: '1',
});

async function* batches(path: string, n: number, fail = false): AsyncGenerator<RowBatch> {
  yield {
    events: Array.from({ length: n }, (_, i) => event(`e${i}`)),
    debug: [log(path, 'not json')],
    logs: [log(path, 'parse_initiated')],
  };
  if (fail) throw new Error('source went away');
  yield { events: [], debug: [], logs: [log(path, 'ingested: n events')] };
}

async function query(file: string, sql: string) {
  const instance = await DuckDBInstance.create(file, { access_mode: 'READ_ONLY' });
  const connection = await instance.connect();
  const rows = (await connection.runAndReadAll(sql)).getRowsJS();
  connection.closeSync();
  instance.closeSync();
  return rows;
}

describe('DuckDB warehouse', () => {
  it('creates the contract tables with matching types', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'wh-')), 'w.duckdb');
    const wh = await createDuckDbWarehouse(file);
    await wh.ensureTables();
    await wh.close();
    const cols = await query(
      file,
      "SELECT table_schema || '.' || table_name, column_name, data_type FROM information_schema.columns ORDER BY ALL",
    );
    const types = Object.fromEntries(cols.map(([t, c, d]) => [`${String(t)}.${String(c)}`, d]));
    expect(types['events.events_function.event_timestamp']).toBe('TIMESTAMP WITH TIME ZONE');
    expect(types['events.events_function.event_index']).toBe('BIGINT');
    expect(types['logs.events_logs_function.event_ds']).toBe('DATE');
    expect(types['logs.events_debug_function.file_path']).toBe('VARCHAR');
  });

  it('adds the columns a table made earlier lacks, and fills a column named in other case (not NULL)', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'wh-')), 'w.duckdb');
    const made = await DuckDBInstance.create(file);
    const c = await made.connect();
    await c.run('CREATE SCHEMA logs');
    // The ledger table as it was before file_generation, with the columns in the contract's order.
    await c.run(
      'CREATE TABLE logs.events_logs_function (job_name VARCHAR, processed_timestamp TIMESTAMPTZ, batch_id VARCHAR, analytics_environment VARCHAR, event_category VARCHAR, event_time VARCHAR, event_ds DATE, event VARCHAR, "FILE_PATH" VARCHAR)',
    );
    c.closeSync();
    made.closeSync();
    const wh = await createDuckDbWarehouse(file);
    expect(await writeOneFile(wh, { filePath: 'a/f.json', generation: '1' }, batches('a/f.json', 2))).toBe('written');
    await wh.close();
    const cols = await query(
      file,
      "SELECT column_name FROM information_schema.columns WHERE table_name = 'events_logs_function' ORDER BY ordinal_position",
    );
    expect(cols.map(([name]) => name)).toEqual([
      'job_name',
      'processed_timestamp',
      'batch_id',
      'analytics_environment',
      'event_category',
      'event_time',
      'event_ds',
      'event',
      'FILE_PATH', // kept as it was named: DuckDB's names ignore case
      'file_generation',
    ]);
    expect(
      await query(file, 'SELECT event, file_path, file_generation FROM logs.events_logs_function ORDER BY event'),
    ).toEqual([
      ['ingested: n events', 'a/f.json', '1'],
      ['parse_initiated', 'a/f.json', '1'],
    ]);
  });

  it('writes JSON text without FSST, the compression that took a quarter of a large file, and reads it back whole', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'wh-')), 'w.duckdb');
    const wh = await createDuckDbWarehouse(file);
    const attributes = (i: number) =>
      JSON.stringify({ level: i % 97, coins: (i * 7919) % 10_000, item: `sword-${i % 13}` });
    async function* wide(): AsyncGenerator<RowBatch> {
      const events = Array.from({ length: 20_000 }, (_, i) => ({ ...event(`e${i}`), event_attributes: attributes(i) }));
      yield { events, debug: [], logs: [log('/b/wide', 'ingested: 20000 events')] };
    }
    expect(await writeOneFile(wh, { filePath: '/b/wide', generation: '1' }, wide())).toBe('written');
    await wh.close();
    const methods = await query(
      file,
      "SELECT DISTINCT compression FROM pragma_storage_info('events.events_function') WHERE column_name = 'event_attributes'",
    );
    expect(methods.flat()).not.toContain('FSST');
    expect(methods.flat().length).toBeGreaterThan(0);
    const back = await query(file, "SELECT event_attributes FROM events.events_function WHERE event_id = 'e12345'");
    expect(back).toEqual([[attributes(12_345)]]);
  });

  it('lands a group in one commit, leaving out files the ledger has and a file given twice', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'wh-')), 'w.duckdb');
    const wh = await createDuckDbWarehouse(file);
    const k = (i: number) => ({ filePath: `/b/g${i}`, generation: '1' });
    expect(await writeOneFile(wh, k(0), batches('/b/g0', 5))).toBe('written');
    const writer = wh.openWriter({ maxFiles: 100, maxWaitMs: 60_000 });
    const outcomes = await Promise.all(
      [
        writer.write(k(0), batches('/b/g0', 5)), // in the ledger already
        writer.write(k(1), batches('/b/g1', 7)),
        writer.write(k(2), batches('/b/g2', 9, true)), // fails to read: fails alone
        writer.write(k(3), batches('/b/g3', 11)),
        writer.write(k(1), batches('/b/g1', 7)), // the same file again in the same group
      ].map((p) => p.catch((e: Error) => e.message)),
    );
    await writer.close();
    expect(outcomes).toEqual(['already-ingested', 'written', 'source went away', 'written', 'already-ingested']);
    await wh.close();
    expect(await query(file, 'SELECT count(*) FROM events.events_function')).toEqual([[5n + 7n + 11n]]);
    const ledger = await query(
      file,
      "SELECT file_path, count(*) FROM logs.events_logs_function WHERE starts_with(event, 'ingested') GROUP BY ALL ORDER BY 1",
    );
    expect(ledger).toEqual([
      ['/b/g0', 1n],
      ['/b/g1', 1n],
      ['/b/g3', 1n],
    ]);
  });

  it('a file DuckDB cannot store breaks its group: every file of it is read again and written alone, so only that file fails', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'wh-')), 'w.duckdb');
    const wh = await createDuckDbWarehouse(file);
    const reads = new Map<string, number>();
    const source = (path: string, bad: boolean) => () => {
      reads.set(path, (reads.get(path) ?? 0) + 1);
      return (async function* (): AsyncGenerator<RowBatch> {
        const events = Array.from({ length: 4 }, (_, i) => ({
          ...event(`${path}-${i}`),
          ...(bad ? { event_index: 1.5 as unknown as bigint } : {}),
        }));
        yield { events, debug: [], logs: [log(path, 'ingested: 4 events')] };
      })();
    };
    const writer = wh.openWriter({ maxFiles: 100, maxWaitMs: 60_000 });
    const outcomes = await Promise.all(
      [0, 1, 2, 3].map((i) => {
        const again = source(`/b/r${i}`, i === 2);
        return writer
          .write({ filePath: `/b/r${i}`, generation: '1' }, again(), again)
          .catch((e: Error) => `failed: ${e.message}`);
      }),
    );
    await writer.close();
    expect(outcomes.slice(0, 2)).toEqual(['written', 'written']);
    expect(outcomes[2]).toMatch(/^failed: /);
    expect(outcomes[3]).toBe('written');
    expect([...reads.values()]).toEqual([2, 2, 2, 2]); // each read again once the group failed
    await wh.close();
    expect(await query(file, 'SELECT count(*), count(DISTINCT event_id) FROM events.events_function')).toEqual([
      [12n, 12n],
    ]);
    expect(await query(file, 'SELECT file_path FROM logs.events_logs_function ORDER BY 1')).toEqual([
      ['/b/r0'],
      ['/b/r1'],
      ['/b/r3'],
    ]);
  });

  it('finds session gaps however far apart the indexes are (both ends of BIGINT: no overflow)', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'wh-')), 'w.duckdb');
    const wh = await createDuckDbWarehouse(file);
    const at = 1_772_323_200_000_000n; // 2026-03-01T00:00:00Z
    const events = [-9223372036854775808n, 0n, 9223372036854775807n].map((index, i) => ({
      ...event(`x${i}`),
      session_id: 's',
      event_index: index,
      event_timestamp: at + BigInt(i) * 60_000_000n,
    }));
    const rows = async function* (): AsyncGenerator<RowBatch> {
      yield { events, debug: [], logs: [log('/b/x', 'ingested: 3 events, 0 debug rows')] };
    };
    expect(await writeOneFile(wh, { filePath: '/b/x', generation: '1' }, rows())).toBe('written');
    const day = Number(at / 86_400_000_000n);
    expect(await wh.sessionGaps!({ environments: ['testing'], firstDay: day, lastDay: day })).toEqual([
      { environment: 'testing', day, bucket: 0, gaps: 2, missing: Number('18446744073709551613'), sessions: 1 },
    ]);
    await wh.close();
  });

  it("groups larger than DuckDB's memory limit still land whole (a failed commit is retried file by file, the file reopened)", async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'wh-')), 'w.duckdb');
    const wh = await createDuckDbWarehouse(file, undefined, { memoryLimit: '16MB' });
    const big = (path: string) =>
      (async function* (): AsyncGenerator<RowBatch> {
        const events = Array.from({ length: 200 }, (_, i) => ({
          ...event(`${path}-${i}`),
          event_attributes: 'x'.repeat(500) + i,
        }));
        yield { events, debug: [], logs: [log(path, 'ingested: 200 events')] };
      })();
    const writer = wh.openWriter({ maxFiles: 1000, maxBytes: 64 * 1024 * 1024, maxWaitMs: 60_000 });
    const outcomes = await Promise.all(
      Array.from({ length: 300 }, (_, i) => writer.write({ filePath: `/b/m${i}`, generation: '1' }, big(`/b/m${i}`))),
    );
    await writer.close();
    expect(outcomes).toEqual(Array(300).fill('written'));
    // Later commits still work, and the file reopens with every file once.
    expect(await writeOneFile(wh, { filePath: '/b/after', generation: '1' }, batches('/b/after', 3))).toBe('written');
    await wh.close();
    expect(await query(file, 'SELECT count(*), count(DISTINCT event_id) FROM events.events_function')).toEqual([
      [300n * 200n + 3n, 300n * 200n + 3n],
    ]);
    expect(
      await query(
        file,
        "SELECT count(DISTINCT file_path) FROM logs.events_logs_function WHERE starts_with(event, 'ingested')",
      ),
    ).toEqual([[301n]]);
  });

  it('writes a file once: a second write of the same generation adds nothing', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'wh-')), 'w.duckdb');
    const wh = await createDuckDbWarehouse(file);
    const key = { filePath: '/b/f', generation: '1' };
    expect(await writeOneFile(wh, key, batches('/b/f', 3000))).toBe('written');
    expect(await writeOneFile(wh, key, batches('/b/f', 3000))).toBe('already-ingested');
    expect(await wh.ingested([key, { filePath: '/b/f', generation: '2' }])).toEqual(new Set(['/b/f#1']));
    await wh.close();
    expect(await query(file, 'SELECT count(*), min(event_timestamp)::VARCHAR FROM events.events_function')).toEqual([
      [3000n, '2026-03-01 00:00:00.123456+00'],
    ]);
    expect(await query(file, 'SELECT count(*) FROM logs.events_debug_function')).toEqual([[1n]]);
  });

  it('knows what an earlier run wrote: after reopening, only new files are written, each once', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'wh-')), 'w.duckdb');
    const a = { filePath: '/b/a', generation: '1' };
    const b = { filePath: '/b/b', generation: '1' };
    const first = await createDuckDbWarehouse(file);
    expect(await writeOneFile(first, a, batches('/b/a', 5))).toBe('written');
    await first.close();
    const second = await createDuckDbWarehouse(file);
    expect(await writeOneFile(second, a, batches('/b/a', 5))).toBe('already-ingested');
    expect(await writeOneFile(second, { ...a, generation: '2' }, batches('/b/a', 7))).toBe('written'); // a new version of it
    expect(await writeOneFile(second, b, batches('/b/b', 11))).toBe('written');
    expect(await writeOneFile(second, b, batches('/b/b', 11))).toBe('already-ingested');
    await second.close();
    expect(await query(file, 'SELECT count(*) FROM events.events_function')).toEqual([[23n]]);
    expect(
      await query(file, "SELECT count(*) FROM logs.events_logs_function WHERE starts_with(event, 'ingested')"),
    ).toEqual([[3n]]);
  });

  it('leaves nothing of a file whose rows fail half-way, so a retry lands it whole', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'wh-')), 'w.duckdb');
    const wh = await createDuckDbWarehouse(file);
    const key = { filePath: '/b/g', generation: '1' };
    await expect(writeOneFile(wh, key, batches('/b/g', 10, true))).rejects.toThrow('source went away');
    expect(await wh.ingested([key])).toEqual(new Set());
    expect(await writeOneFile(wh, key, batches('/b/g', 10))).toBe('written');
    await wh.close();
    expect(await query(file, 'SELECT count(*) FROM events.events_function')).toEqual([[10n]]);
    expect(await query(file, 'SELECT count(*) FROM logs.events_logs_function')).toEqual([[2n]]);
  });

  it('a file of many chunks whose rows fail after some were committed leaves nothing; a retry lands it whole, once', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'wh-')), 'w.duckdb');
    const wh = await createDuckDbWarehouse(file);
    const key = { filePath: '/b/big', generation: '1' };
    /** 300 batches of 1,000 events (about 40 MB of rows: several committed chunks), failing at the end or not. */
    async function* big(fail: boolean): AsyncGenerator<RowBatch> {
      for (let b = 0; b < 300; b++)
        yield {
          events: Array.from({ length: 1000 }, (_, i) => event(`e${b}-${i}-${'x'.repeat(80)}`)),
          debug: b === 0 ? [log('/b/big', 'not json')] : [],
          logs: b === 0 ? [log('/b/big', 'parse_initiated')] : [],
        };
      if (fail) throw new Error('source went away');
      yield { events: [], debug: [], logs: [log('/b/big', 'ingested: n events')] };
    }
    await expect(writeOneFile(wh, key, big(true))).rejects.toThrow('source went away');
    expect(await wh.ingested([key])).toEqual(new Set());
    await wh.close();
    const empty = [[0n, 0n, 0n, 0n]];
    const counts =
      'SELECT (SELECT count(*) FROM events.events_function), (SELECT count(*) FROM logs.events_debug_function), ' +
      '(SELECT count(*) FROM logs.events_logs_function), (SELECT count(*) FROM logs._backfill_pending)';
    expect(await query(file, counts)).toEqual(empty);
    const again = await createDuckDbWarehouse(file);
    expect(await writeOneFile(again, key, big(false))).toBe('written');
    await again.close();
    expect(await query(file, counts)).toEqual([[300_000n, 1n, 2n, 0n]]);
  });

  it('opens read-only without creating a file or tables', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wh-'));
    const file = join(dir, 'w.duckdb');
    const wh = await createDuckDbWarehouse(file);
    await wh.ensureTables();
    await wh.close();
    const ro = await createDuckDbWarehouse(file, undefined, { readOnly: true });
    expect(await ro.ingested([{ filePath: '/x', generation: '1' }])).toEqual(new Set());
    await expect(writeOneFile(ro, { filePath: '/x', generation: '1' }, batches('/x', 1))).rejects.toThrow(/read-only/);
    await ro.close();
    expect(existsSync(join(dir, 'other.duckdb'))).toBe(false);
  });

  it('refuses invalid table names before touching the file', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'wh-')), 'w.duckdb');
    await expect(
      createDuckDbWarehouse(file, {
        eventsDataset: 'events; drop',
        eventsTable: 'e',
        logsDataset: 'l',
        logsTable: 'l',
        debugTable: 'd',
      }),
    ).rejects.toThrow(/invalid eventsDataset/);
    expect(existsSync(file)).toBe(false);
  });
});

describe('a DuckDB worker started before its file', () => {
  it('opens the file it is given later, and writes to it', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'wh-')), 'w.duckdb');
    const started = startDuckDbWorker();
    expect(existsSync(file)).toBe(false); // started, nothing created
    const wh = await createDuckDbWarehouse(file, undefined, {}, started);
    expect(await writeOneFile(wh, { filePath: '/a', generation: '1' }, batches('/a', 3))).toBe('written');
    await wh.close();
    expect(await query(file, 'SELECT count(*) FROM events.events_function')).toEqual([[3n]]);
  });

  it('that stopped before it was used is an error naming the file, not a wait for ever', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'wh-')), 'w.duckdb');
    const started = startDuckDbWorker();
    await started.worker.terminate();
    await expect(createDuckDbWarehouse(file, undefined, {}, started)).rejects.toThrow(
      /duckdb:.*w\.duckdb: cannot open \(the DuckDB worker stopped/,
    );
    expect(existsSync(file)).toBe(false);
  });
});
