import type { DuckDBConnection } from '@duckdb/node-api';
import type { TableNames } from '../../core/schema/table-schemas.js';
import type { FileKey } from '../../ports/warehouse.js';
import { quote } from './duckdb-tables.js';

/**
 * A large file is committed in chunks, so DuckDB never holds (nor spills) a whole file's rows in
 * one transaction: 2.9 million small events in one transaction spilled 2.1 GB to the temporary
 * folder and peaked at 364 MiB. Its first chunk's transaction records the file here, with where
 * each table's rows of it begin (its row ids: the store is the file's only writer, and a file's
 * own transaction excludes every other write, so its rows are the tables' tail); its last chunk's
 * transaction writes the ledger row and removes the record. A file recorded here without its
 * ledger row was cut short (a kill, a crash, a failed chunk, an interruption): `recoverPending`
 * removes its rows before anything else is written, so a file is whole or absent.
 */
const PENDING_TABLE = '_backfill_pending';

type Tables = Record<'events' | 'debug' | 'logs', string>;

/** The three tables as SQL names them. */
export function tablesOf(n: TableNames): Tables {
  return {
    events: `${quote(n.eventsDataset)}.${quote(n.eventsTable)}`,
    debug: `${quote(n.logsDataset)}.${quote(n.debugTable)}`,
    logs: `${quote(n.logsDataset)}.${quote(n.logsTable)}`,
  };
}

const pendingOf = (n: TableNames) => `${quote(n.logsDataset)}.${quote(PENDING_TABLE)}`;

export async function ensurePendingTable(connection: DuckDBConnection, n: TableNames): Promise<void> {
  await connection.run(
    `CREATE TABLE IF NOT EXISTS ${pendingOf(n)} (file_path VARCHAR, file_generation VARCHAR, events_from BIGINT, debug_from BIGINT, logs_from BIGINT)`,
  );
}

/** Where each table's next rows begin: one past its last row id. */
export async function tailStarts(connection: DuckDBConnection, n: TableNames): Promise<[bigint, bigint, bigint]> {
  const t = tablesOf(n);
  const starts: bigint[] = [];
  for (const table of [t.events, t.debug, t.logs]) {
    const reader = await connection.runAndReadAll(`SELECT coalesce(max(rowid) + 1, 0) FROM ${table}`);
    starts.push(BigInt(reader.getRows()[0]![0] as bigint | number));
  }
  return starts as [bigint, bigint, bigint];
}

/** Records, in the open transaction, that `file`'s rows from `starts` on are not yet whole. */
export async function markPending(
  connection: DuckDBConnection,
  n: TableNames,
  file: FileKey,
  starts: readonly [bigint, bigint, bigint],
): Promise<void> {
  await connection.run(`INSERT INTO ${pendingOf(n)} VALUES ($path, $generation, $e, $d, $l)`, {
    path: file.filePath,
    generation: file.generation,
    e: starts[0],
    d: starts[1],
    l: starts[2],
  });
}

/** Removes, in the open transaction (the one that writes its ledger row), `file`'s record. */
export async function clearPending(connection: DuckDBConnection, n: TableNames, file: FileKey): Promise<void> {
  await connection.run(`DELETE FROM ${pendingOf(n)} WHERE file_path = $path AND file_generation = $generation`, {
    path: file.filePath,
    generation: file.generation,
  });
}

/**
 * Removes the rows of every file recorded as pending (committed chunks of a file cut short), each
 * in one transaction with its record. Returns how many files it removed.
 */
export async function recoverPending(connection: DuckDBConnection, n: TableNames): Promise<number> {
  const t = tablesOf(n);
  const reader = await connection.runAndReadAll(
    `SELECT file_path, file_generation, events_from, debug_from, logs_from FROM ${pendingOf(n)}`,
  );
  const rows = reader.getRows() as [string, string, bigint, bigint, bigint][];
  for (const [path, generation, e, d, l] of rows) {
    const file = { path, generation };
    await connection.run('BEGIN TRANSACTION');
    try {
      await connection.run(`DELETE FROM ${t.events} WHERE rowid >= $from`, { from: e });
      for (const [table, from] of [
        [t.debug, d],
        [t.logs, l],
      ] as const)
        await connection.run(
          `DELETE FROM ${table} WHERE rowid >= $from AND file_path = $path AND file_generation = $generation`,
          { from, ...file },
        );
      await connection.run(
        `DELETE FROM ${pendingOf(n)} WHERE file_path = $path AND file_generation = $generation`,
        file,
      );
      await connection.run('COMMIT');
    } catch (error) {
      await connection.run('ROLLBACK').catch(() => undefined);
      throw error;
    }
  }
  return rows.length;
}
