import { DuckDBConnection, DuckDBDataChunk, DuckDBInstance, listValue, type DuckDBAppender, type DuckDBValue } from '@duckdb/node-api';
import { EVENT_COLUMNS, LOG_COLUMNS, type Column, type TableNames } from '../core/table-schemas.js';
import { INGESTED_EVENT, type FileKey } from '../ports/warehouse.js';
import { addColumnSql, createTableSql, DUCKDB_TYPES, quote } from './duckdb-tables.js';
import { toDuckValue } from './duckdb-values.js';
import { ledgerHash } from './ledger-hash.js';

const CHUNK_ROWS = 2048; // DuckDB's vector size: one data chunk holds at most this many rows.
/** The memory limit while the file opens and while a checkpoint runs (both are brief). */
const CHECKPOINT_MEMORY = '256MB';
/** Files committed between checkpoints: the log stays around 1 MB. */
const CHECKPOINT_EVERY_FILES = 2000;

export type TableKind = 'events' | 'debug' | 'logs';

/** Rows of one table as columns (in the shared schema's order), the shape DuckDB appends fastest. */
export type Columns = unknown[][];

export interface StoreOptions {
  readOnly: boolean;
  memoryLimit: string;
}

/**
 * The DuckDB file itself: tables, ledger queries and one transaction per file. It runs on the
 * warehouse's worker thread (duckdb-worker.ts), so DuckDB's work overlaps with parsing.
 */
export class DuckDbStore {
  private ready = false;
  private appenders: Record<TableKind, DuckDBAppender> | undefined;
  // One reusable chunk per row shape: native chunk memory is freed only when the GC finalises
  // its wrapper, so a chunk per batch would pile up.
  private readonly chunks = {
    events: DuckDBDataChunk.create(EVENT_COLUMNS.map((c) => DUCKDB_TYPES[c.type].type)),
    logs: DuckDBDataChunk.create(LOG_COLUMNS.map((c) => DUCKDB_TYPES[c.type].type)),
  };

  /**
   * 48-bit hashes of every ledger key in the file, loaded once. DuckDB lets one process open a file
   * for writing and every write goes through this store, so a key missing here is not in the
   * ledger: the per-file check then costs no query (a scan of the logs table, which grows with
   * every file). A hash that is present is confirmed by the query as before.
   */
  private ledgerHashes: Set<number> | undefined;
  private current: FileKey | undefined;
  private filesSinceCheckpoint = 0;

  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
    private readonly names: TableNames,
    private readonly readOnly: boolean,
    /** Checked by memoryLimitValue at open: it is spliced into SQL. */
    private readonly memoryLimit: string,
  ) {}

  static async open(file: string, names: TableNames, options: StoreOptions): Promise<DuckDbStore> {
    // A small memory limit makes DuckDB spill instead of holding; one thread, because each extra
    // thread brings its own allocator arena (tens of MiB of RSS). Checkpoints are ours, not
    // DuckDB's: one must pin what it writes, and under the small limit an automatic one failed
    // (after ~37,000 small files, or replaying a killed run's log), invalidating the database.
    // So the file opens (and replays its log) with room, and checkpoints get room while they run.
    const settings: Record<string, string> = { memory_limit: CHECKPOINT_MEMORY, threads: '1', checkpoint_threshold: '1TB' };
    const instance = await DuckDBInstance.create(file, options.readOnly ? { ...settings, access_mode: 'READ_ONLY' } : settings);
    const connection = await DuckDBConnection.create(instance);
    const memoryLimit = memoryLimitValue(options.memoryLimit);
    await connection.run(`SET memory_limit = '${memoryLimit}'`);
    return new DuckDbStore(instance, connection, names, options.readOnly, memoryLimit);
  }

  private tables() {
    const n = this.names;
    return {
      events: { schema: n.eventsDataset, table: n.eventsTable, columns: EVENT_COLUMNS },
      logs: { schema: n.logsDataset, table: n.logsTable, columns: LOG_COLUMNS },
      debug: { schema: n.logsDataset, table: n.debugTable, columns: LOG_COLUMNS },
    };
  }

  private get ledger(): string {
    return `${quote(this.names.logsDataset)}.${quote(this.names.logsTable)}`;
  }

  async ensureTables(): Promise<void> {
    if (this.ready || this.readOnly) return;
    for (const t of Object.values(this.tables())) {
      await this.connection.run(`CREATE SCHEMA IF NOT EXISTS ${quote(t.schema)}`);
      await this.connection.run(createTableSql(t.schema, t.table, t.columns));
      for (const c of t.columns) await this.connection.run(addColumnSql(t.schema, t.table, c));
    }
    this.ready = true;
  }

  /** `[file_path, file_generation]` of the ledger rows among `paths`. */
  async ingested(paths: readonly string[]): Promise<[string, string][]> {
    await this.ensureTables();
    const exists = await this.connection.runAndReadAll(
      'SELECT 1 FROM information_schema.tables WHERE table_schema = $schema AND table_name = $table',
      { schema: this.names.logsDataset, table: this.names.logsTable },
    );
    if (exists.currentRowCount === 0) return []; // read-only on a warehouse never written
    const found: [string, string][] = [];
    for (let i = 0; i < paths.length; i += 10_000) {
      const reader = await this.connection.runAndReadAll(
        `SELECT DISTINCT file_path, file_generation FROM ${this.ledger}
         WHERE starts_with(event, $mark) AND file_path IN (SELECT unnest($paths))`,
        { mark: INGESTED_EVENT, paths: listValue(paths.slice(i, i + 10_000)) },
      );
      for (const [path, generation] of reader.getRowsJS()) found.push([String(path), String(generation)]);
    }
    return found;
  }

  /** Starts a file's transaction; false (and nothing started) when the ledger already has it. */
  async begin(file: FileKey): Promise<boolean> {
    await this.ensureTables();
    const hashes = await this.loadLedgerHashes();
    await this.connection.run('BEGIN TRANSACTION');
    if (hashes.has(ledgerHash(file.filePath, file.generation))) {
      const reader = await this.connection.runAndReadAll(
        `SELECT 1 FROM ${this.ledger} WHERE file_path = $path AND file_generation = $generation AND starts_with(event, $mark) LIMIT 1`,
        { path: file.filePath, generation: file.generation, mark: INGESTED_EVENT },
      );
      if (reader.currentRowCount > 0) {
        await this.connection.run('ROLLBACK');
        return false;
      }
    }
    this.current = file;
    const t = this.tables();
    this.appenders = {
      events: await this.connection.createAppender(t.events.table, t.events.schema),
      debug: await this.connection.createAppender(t.debug.table, t.debug.schema),
      logs: await this.connection.createAppender(t.logs.table, t.logs.schema),
    };
    return true;
  }

  /** Appends rows given as columns, in data chunks: far fewer native calls than value by value. */
  append(kind: TableKind, columns: Columns): void {
    const appender = this.appenders?.[kind];
    if (!appender) throw new Error('append outside a file transaction');
    const schema: readonly Column[] = kind === 'events' ? EVENT_COLUMNS : LOG_COLUMNS;
    const chunk = kind === 'events' ? this.chunks.events : this.chunks.logs;
    const rows = columns[0]?.length ?? 0;
    for (let start = 0; start < rows; start += CHUNK_ROWS) {
      chunk.reset();
      chunk.setColumns(
        schema.map((c, i) => (columns[i] ?? []).slice(start, start + CHUNK_ROWS).map((v): DuckDBValue => toDuckValue(c.type, v))),
      );
      appender.appendDataChunk(chunk);
    }
    // Hand rows to DuckDB as they come, so a large file's rows are not buffered twice.
    if (kind === 'events') appender.flushSync();
  }

  async commit(): Promise<void> {
    for (const a of Object.values(this.appenders ?? {})) a.closeSync();
    this.appenders = undefined;
    await this.connection.run('COMMIT');
    if (this.current) this.ledgerHashes?.add(ledgerHash(this.current.filePath, this.current.generation));
    this.current = undefined;
    // The commit is durable; a checkpoint that fails leaves it in the log for the next one (or the
    // next open), and a database it broke fails the next file loudly.
    if (++this.filesSinceCheckpoint >= CHECKPOINT_EVERY_FILES) await this.checkpoint().catch(() => undefined);
  }

  /** Writes the log into the file, with memory to do it, then returns to the small limit. */
  private async checkpoint(): Promise<void> {
    this.filesSinceCheckpoint = 0;
    await this.connection.run(`SET memory_limit = '${CHECKPOINT_MEMORY}'`);
    try {
      await this.connection.run('CHECKPOINT');
    } finally {
      await this.connection.run(`SET memory_limit = '${this.memoryLimit}'`);
    }
  }

  /** Reads the ledger's keys once, chunk by chunk, keeping only their hashes. */
  private async loadLedgerHashes(): Promise<Set<number>> {
    if (this.ledgerHashes) return this.ledgerHashes;
    const hashes = new Set<number>();
    const result = await this.connection.stream(`SELECT file_path, file_generation FROM ${this.ledger} WHERE starts_with(event, $mark)`, {
      mark: INGESTED_EVENT,
    });
    for (let chunk = await result.fetchChunk(); chunk && chunk.rowCount > 0; chunk = await result.fetchChunk()) {
      for (const [path, generation] of chunk.getRows()) hashes.add(ledgerHash(String(path), String(generation)));
    }
    this.ledgerHashes = hashes;
    return hashes;
  }

  async rollback(): Promise<void> {
    for (const a of Object.values(this.appenders ?? {})) {
      try {
        a.closeSync();
      } catch {
        // an appender that failed to flush is rolled back with the transaction
      }
    }
    this.appenders = undefined;
    this.current = undefined;
    await this.connection.run('ROLLBACK').catch(() => undefined);
  }

  async close(): Promise<void> {
    if (!this.readOnly && this.filesSinceCheckpoint > 0) await this.checkpoint().catch(() => undefined); // else at the next open
    this.connection.closeSync();
    this.instance.closeSync();
  }
}

/** The limit as DuckDB's SET takes it, refusing anything but a size (it is spliced into SQL). */
function memoryLimitValue(limit: string): string {
  if (!/^\d+(\.\d+)?\s*[KMGT]i?B$/i.test(limit)) throw new Error(`invalid DuckDB memory limit: ${limit}`);
  return limit;
}
