import { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';

/**
 * Rows per row group in the file (DuckDB's default is 122,880). A transaction holds its appended
 * rows in memory until a row group fills, whatever the memory limit: a 240 MiB file of 115,000
 * 2 KB events peaked at 968 MB through the CLI at the default. Measured on 2026-12-06 (2 cores, the
 * CLI as its shebang runs it), 2,048 / 8,192 / 16,384 rows: 2 M tiny events 27.8 / 16.3 / 18.5 s at
 * 256 / 233 / 255 MiB; a 256 MiB file 12.9 / 8.3 / 8.5 s at 260 / 214 / 232 MiB; 200 gzip files of
 * 20,000 events 46.7 / 28.9 / 26.5 s at 356 / 315 / 303 MiB; the 2 KB-event file 230 / 238 / 298 MiB;
 * 100,000 one-event files 239 / 236 / 256 MiB. Small groups are slow to append and to checkpoint
 * (a group's per-column statistics and compression), large ones hold wide rows: 8,192 is the best
 * of both. A change here must re-run `scripts/kill-loop.js` (30 kills under load at 8,192: 0 torn).
 */
export const ROW_GROUP_SIZE = 8_192;

/**
 * Compression DuckDB does not try when it writes a row group. FSST (its compression of strings by a
 * trained symbol table) took about a quarter of a large file's run: it is tried on every string
 * column of every row group, and most of ours are JSON text. Measured 2026-12-07 (2 cores, the CLI as
 * its shebang runs it, docs/reliability.md): the 256 MiB file 8.3-9.1 s → 6.5-6.9 s, 10,000 files × 10
 * events 3.0 s → 2.55-2.65 s; the files are larger (25 → 54 MB and 6.5 → 13.6 MB: dictionary and
 * bit-packing still apply), still a fifth of the JSON they hold. Set once the file is attached (as a
 * setting of the instance, DuckDB 1.5.5 did not apply it to the attached file).
 */
export const DISABLED_COMPRESSION = 'fsst';

/** The memory limit while the file opens and while a checkpoint runs (both are brief). */
export const CHECKPOINT_MEMORY = '256MB';

/** An open DuckDB file: the in-memory instance it is attached to, and the connection using it. */
export interface DuckDbSession {
  instance: DuckDBInstance;
  connection: DuckDBConnection;
}

/**
 * Opens `file` for the store, then sets `memoryLimit` (checked by `memoryLimitValue`).
 *
 * A small memory limit makes DuckDB spill instead of holding; one thread, because each extra
 * thread brings its own allocator arena (tens of MiB of RSS). Checkpoints are the store's, not
 * DuckDB's: one must pin what it writes, and under the small limit an automatic one failed (after
 * ~37,000 small files, or replaying a killed run's log), invalidating the database. So the file
 * opens (and replays its log) with room, and checkpoints get room while they run. The file is
 * attached (not opened as the main database) to set its row-group size, always as a DuckDB file:
 * with extensions never installed or loaded, a file of another kind (SQLite, CSV) is refused
 * instead of making DuckDB fetch an extension over the network.
 *
 * No optimistic writes (row groups written into the file before their transaction commits): with
 * them, a process killed during a commit left a log whose replay brought back one table's rows of
 * the unfinished transaction (a group's events without their ledger rows, so a resume landed those
 * files twice; 1 run in 7 under load, DuckDB 1.5.5 and 1.5.6). Without them a transaction's rows
 * wait in spillable memory and reach the log whole at commit: a 256 MiB file takes 6.0 s instead
 * of 4.4 s, at the same peak RSS (docs/reliability.md). `write_buffer_row_group_count` stops only
 * DuckDB's count trigger, not its memory trigger. Measured on that file: its commit writes the row
 * groups (~4 s of its run); with row groups of 8,192 the appends wrote them instead. So a change
 * to the row-group size or `CHUNK_ROWS` must re-run `scripts/kill-loop.js`.
 */
export async function connectDuckDb(file: string, readOnly: boolean, memoryLimit: string): Promise<DuckDbSession> {
  const settings: Record<string, string> = {
    memory_limit: CHECKPOINT_MEMORY,
    threads: '1',
    checkpoint_threshold: '1TB',
    write_buffer_row_group_count: '1000000',
    autoinstall_known_extensions: 'false',
    autoload_known_extensions: 'false',
    temp_directory: `${file}.tmp`,
  };
  const instance = await DuckDBInstance.create(':memory:', settings);
  const connection = await DuckDBConnection.create(instance);
  const mode = readOnly ? 'READ_ONLY, ' : '';
  await connection.run(`ATTACH ${sqlString(file)} AS warehouse (TYPE DUCKDB, ${mode}ROW_GROUP_SIZE ${ROW_GROUP_SIZE})`);
  await connection.run('USE warehouse');
  await connection.run(`SET disabled_compression_methods = '${DISABLED_COMPRESSION}'`);
  await connection.run(`SET memory_limit = '${memoryLimitValue(memoryLimit)}'`);
  return { instance, connection };
}

/** The limit as DuckDB's SET takes it, refusing anything but a size (it is spliced into SQL). */
export function memoryLimitValue(limit: string): string {
  if (!/^\d+(\.\d+)?\s*[KMGT]i?B$/i.test(limit)) throw new Error(`invalid DuckDB memory limit: ${limit}`);
  return limit;
}

/** A limit DuckDB's SET takes (`32MB`, `1.5GiB`), in bytes. */
export function memoryBytes(limit: string): number {
  const [, n, unit] = /^(\d+(?:\.\d+)?)\s*([KMGT])i?B$/i.exec(limit) ?? [];
  return Number(n) * 1024 ** ' KMGT'.indexOf((unit ?? 'M').toUpperCase());
}

/** A string literal for SQL. */
function sqlString(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}
