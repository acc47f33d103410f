import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { DuckDBConnection, DuckDBDataChunk, DuckDBInstance, listValue, type DuckDBAppender, type DuckDBValue } from '@duckdb/node-api';
import { UserError } from '../core/errors.js';
import type { EventRow, LogRow } from '../core/rows.js';
import {
  DEFAULT_TABLE_NAMES,
  EVENT_COLUMNS,
  LOG_COLUMNS,
  validateTableNames,
  type Column,
  type TableNames,
} from '../core/table-schemas.js';
import { INGESTED_EVENT, ledgerKey, type FileKey, type Warehouse, type WriteOutcome } from '../ports/warehouse.js';
import { addColumnSql, createTableSql, DUCKDB_TYPES, quote } from './duckdb-tables.js';
import { toDuckValue } from './duckdb-values.js';

const CHUNK_ROWS = 2048; // DuckDB's vector size: one data chunk holds at most this many rows.
const FLUSH_ROWS = 16_384;

/**
 * The embedded warehouse: one DuckDB file with schemas `events` and `logs` named like BigQuery's
 * datasets. One connection, so writes are serialised; each file is one transaction.
 */
export async function createDuckDbWarehouse(
  path: string,
  names: TableNames = DEFAULT_TABLE_NAMES,
  options: { readOnly?: boolean; memoryLimit?: string } = {},
): Promise<Warehouse> {
  validateTableNames(names);
  const file = resolve(path);
  const readOnly = options.readOnly ?? false;
  if (!readOnly) mkdirSync(dirname(file), { recursive: true });
  let instance: DuckDBInstance;
  try {
    // A small memory limit makes DuckDB spill a large file's uncommitted rows to disk instead of
    // holding them: the backfill's memory stays bounded whatever the file size.
    // One thread: each extra thread brings its own allocator arena, tens of MiB of RSS.
    const settings: Record<string, string> = { memory_limit: options.memoryLimit ?? '16MB', threads: '1' };
    instance = await DuckDBInstance.create(file, readOnly ? { ...settings, access_mode: 'READ_ONLY' } : settings);
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new UserError(`--warehouse duckdb:${path}: cannot open (${reason})`, 'Is another backfill using this file?');
  }
  const connection = await DuckDBConnection.create(instance);
  const events = { schema: names.eventsDataset, table: names.eventsTable, columns: EVENT_COLUMNS };
  const logs = { schema: names.logsDataset, table: names.logsTable, columns: LOG_COLUMNS };
  const debug = { schema: names.logsDataset, table: names.debugTable, columns: LOG_COLUMNS };
  const ledgerTable = `${quote(logs.schema)}.${quote(logs.table)}`;
  // One reusable chunk per row shape for the warehouse's life (writes are serial): native chunk
  // memory is freed only when the GC finalises its wrapper, so a chunk per file piled up ~1 MiB each.
  let eventChunk: DuckDBDataChunk | undefined;
  let logChunk: DuckDBDataChunk | undefined;
  let ready = false;
  let queue: Promise<unknown> = Promise.resolve();
  /** Runs `work` after every earlier write: one transaction at a time on the connection. */
  const serial = <T>(work: () => Promise<T>): Promise<T> => {
    const next = queue.then(work, work);
    queue = next.catch(() => undefined);
    return next;
  };

  const ensureTables = async () => {
    if (ready || readOnly) return;
    for (const t of [events, logs, debug]) {
      await connection.run(`CREATE SCHEMA IF NOT EXISTS ${quote(t.schema)}`);
      await connection.run(createTableSql(t.schema, t.table, t.columns));
      for (const c of t.columns) await connection.run(addColumnSql(t.schema, t.table, c));
    }
    ready = true;
  };

  const alreadyIngested = async (file: FileKey): Promise<boolean> => {
    const reader = await connection.runAndReadAll(
      `SELECT 1 FROM ${ledgerTable} WHERE file_path = $path AND file_generation = $generation AND starts_with(event, $mark) LIMIT 1`,
      { path: file.filePath, generation: file.generation, mark: INGESTED_EVENT },
    );
    return reader.currentRowCount > 0;
  };

  return {
    url: `duckdb:${file}`,
    ensureTables: () => serial(ensureTables),
    async ingested(files) {
      await serial(ensureTables);
      const found = new Set<string>();
      const paths = [...new Set(files.map((f) => f.filePath))];
      const tableExists = await connection.runAndReadAll(
        'SELECT 1 FROM information_schema.tables WHERE table_schema = $schema AND table_name = $table',
        { schema: logs.schema, table: logs.table },
      );
      if (tableExists.currentRowCount === 0) return found; // read-only on a warehouse never written
      for (let i = 0; i < paths.length; i += 10_000) {
        const reader = await serial(() =>
          connection.runAndReadAll(
            `SELECT DISTINCT file_path, file_generation FROM ${ledgerTable}
             WHERE starts_with(event, $mark) AND file_path IN (SELECT unnest($paths))`,
            { mark: INGESTED_EVENT, paths: listValue(paths.slice(i, i + 10_000)) },
          ),
        );
        for (const [path, generation] of reader.getRowsJS()) {
          found.add(ledgerKey({ filePath: String(path), generation: String(generation) }));
        }
      }
      return found;
    },
    writeFile(fileKey, batches) {
      if (readOnly) return Promise.reject(new Error(`${file} was opened read-only`));
      return serial(async (): Promise<WriteOutcome> => {
        await ensureTables();
        await connection.run('BEGIN TRANSACTION');
        try {
          if (await alreadyIngested(fileKey)) {
            await connection.run('ROLLBACK');
            return 'already-ingested';
          }
          const eventsOut = await connection.createAppender(events.table, events.schema);
          const debugOut = await connection.createAppender(debug.table, debug.schema);
          const logsOut = await connection.createAppender(logs.table, logs.schema);
          eventChunk ??= DuckDBDataChunk.create(EVENT_COLUMNS.map((c) => DUCKDB_TYPES[c.type].type));
          logChunk ??= DuckDBDataChunk.create(LOG_COLUMNS.map((c) => DUCKDB_TYPES[c.type].type));
          let unflushed = 0;
          for await (const batch of batches) {
            appendRows(eventsOut, eventChunk, EVENT_COLUMNS, batch.events);
            unflushed += batch.events.length;
            // Hand rows to DuckDB often enough that neither side buffers much of a large file.
            if (unflushed >= FLUSH_ROWS) {
              eventsOut.flushSync();
              unflushed = 0;
            }
            appendRows(debugOut, logChunk, LOG_COLUMNS, batch.debug);
            appendRows(logsOut, logChunk, LOG_COLUMNS, batch.logs);
          }
          for (const a of [eventsOut, debugOut, logsOut]) a.closeSync();
          await connection.run('COMMIT');
          return 'written';
        } catch (error) {
          await connection.run('ROLLBACK').catch(() => undefined);
          throw error;
        }
      });
    },
    async close() {
      await queue;
      connection.closeSync();
      instance.closeSync();
    },
  };
}

/** Appends rows column-wise in data chunks: far fewer native calls than value by value. */
function appendRows(appender: DuckDBAppender, chunk: DuckDBDataChunk, columns: readonly Column[], rows: readonly (EventRow | LogRow)[]): void {
  if (rows.length === 0) return;
  for (let start = 0; start < rows.length; start += CHUNK_ROWS) {
    const slice = rows.slice(start, start + CHUNK_ROWS);
    chunk.reset();
    chunk.setColumns(
      columns.map((c) => slice.map((row): DuckDBValue => toDuckValue(c.type, (row as unknown as Record<string, unknown>)[c.name]))),
    );
    appender.appendDataChunk(chunk);
  }
}
