import { DuckDBConnection, DuckDBInstance, listValue, type DuckDBAppender, type DuckDBValue } from '@duckdb/node-api';
import { EVENT_COLUMNS, LOG_COLUMNS, type Column, type TableNames } from '../core/table-schemas.js';
import { formerGeneration } from '../core/file-generation.js';
import {
  CLEAN_LEDGER_ROW,
  INGESTED_EVENT,
  ledgerMatcher,
  type FileKey,
  type GapQuery,
  type GapRow,
} from '../ports/warehouse.js';
import { readLayout, type TableLayout } from './duckdb-layout.js';
import { addColumnSql, createTableSql, quote } from './duckdb-tables.js';
import { toDuckValue } from './duckdb-values.js';
import { ledgerHash } from './ledger-hash.js';

const CHUNK_ROWS = 2048; // DuckDB's vector size: one data chunk holds at most this many rows.
/**
 * Rows per row group in the file (DuckDB's default is 122,880). A transaction holds its appended
 * rows in memory until a row group fills, whatever the memory limit: a 240 MiB file of 115,000
 * 2 KB events peaked at 968 MB through the CLI at the default and at 466–489 MiB at 2,048, the
 * smallest DuckDB allows (one vector). The cost: ~80 MiB more for runs of many small files.
 */
const ROW_GROUP_SIZE = 2048;
/**
 * So a legal file always lands, a transaction whose rows are so wide that one row group of them
 * would not fit the memory limit gets this many times the group's bytes (plus 16 MiB) until it
 * commits: 2,048 events of 50 KB need ~100 MB however small the limit.
 */
const ROW_GROUP_ROOM = 3;
/** The memory limit while the file opens and while a checkpoint runs (both are brief). */
const CHECKPOINT_MEMORY = '256MB';
/**
 * Files committed between checkpoints. Until a checkpoint, committed rows (and their bookkeeping)
 * stay in DuckDB's memory: 100,000 one-event files peaked at 345-368 MiB checkpointing every 20,000
 * files, 250-271 MiB every 1,000, at the same speed (a checkpoint of 1,000 small files is brief).
 */
const CHECKPOINT_EVERY_FILES = 1_000;
/**
 * Committed rows stay in DuckDB's memory until a checkpoint writes them into the file, and a commit
 * that cannot pin its blocks fails ("failed to pin block"): so a checkpoint also comes once the
 * rows appended since the last one reach this share of the memory limit.
 */
const CHECKPOINT_SHARE_OF_MEMORY = 0.4;

/** Paths per ledger query: each query scans the logs table once. */
const LEDGER_PATHS_PER_QUERY = 20_000;

export type TableKind = 'events' | 'debug' | 'logs';

/** Rows of one table as columns (in the shared schema's order), the shape DuckDB appends fastest. */
export type Columns = unknown[][];

/** A group of files for one transaction: each file's row counts, then every row as columns. */
export interface GroupPayload {
  /** `[file_path, generation, events, debug rows, log rows]`, in the order their rows come. */
  files: [string, string, number, number, number][];
  events: Columns;
  debug: Columns;
  logs: Columns;
}

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
  /** Each table's columns lined up with the schema's, read when the tables are ensured. */
  private layouts: Record<TableKind, TableLayout> | undefined;

  /**
   * 48-bit hashes of every ledger key in the file, loaded once. DuckDB lets one process open a file
   * for writing and every write goes through this store, so a key missing here is not in the
   * ledger: the per-file check then costs no query (a scan of the logs table, which grows with
   * every file). A hash that is present is confirmed by the query as before.
   */
  private ledgerHashes: Set<number> | undefined;
  private current: FileKey | undefined;
  /** The open group's transaction: its id, the keys appended to it and the ledger hashes it adds. */
  private group: { id: number; keys: Set<string>; landed: number[] } | undefined;
  /** The last group that failed: its later appends and its commit are refused. */
  private failedGroup = 0;
  private filesSinceCheckpoint = 0;
  /** About the bytes of rows appended since the last checkpoint (text lengths, 16 per other value). */
  private bytesSinceCheckpoint = 0;
  /** The memory limit in bytes while a transaction of wide rows is open (0: the configured one). */
  private raisedTo = 0;

  private constructor(
    private instance: DuckDBInstance,
    private connection: DuckDBConnection,
    private readonly file: string,
    private readonly names: TableNames,
    private readonly readOnly: boolean,
    /** Checked by memoryLimitValue at open: it is spliced into SQL. */
    private readonly memoryLimit: string,
  ) {}

  static async open(file: string, names: TableNames, options: StoreOptions): Promise<DuckDbStore> {
    const memoryLimit = memoryLimitValue(options.memoryLimit);
    const { instance, connection } = await DuckDbStore.connect(file, options.readOnly, memoryLimit);
    return new DuckDbStore(instance, connection, file, names, options.readOnly, memoryLimit);
  }

  private static async connect(file: string, readOnly: boolean, memoryLimit: string) {
    // A small memory limit makes DuckDB spill instead of holding; one thread, because each extra
    // thread brings its own allocator arena (tens of MiB of RSS). Checkpoints are ours, not
    // DuckDB's: one must pin what it writes, and under the small limit an automatic one failed
    // (after ~37,000 small files, or replaying a killed run's log), invalidating the database.
    // So the file opens (and replays its log) with room, and checkpoints get room while they run.
    // The file is attached (not opened as the main database) to set its row-group size, always as
    // a DuckDB file: with extensions never installed or loaded, a file of another kind (SQLite, CSV)
    // is refused instead of making DuckDB fetch an extension over the network.
    // No optimistic writes (row groups written into the file before their transaction commits):
    // with them, a process killed during a commit left a log whose replay brought back one table's
    // rows of the unfinished transaction (a group's events without their ledger rows, so a resume
    // landed those files twice; 1 run in 7 under load, DuckDB 1.5.5 and 1.5.6). Without them a
    // transaction's rows wait in spillable memory and reach the log whole at commit: a 256 MiB file
    // takes 6.0 s instead of 4.4 s, at the same peak RSS (docs/reliability.md).
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
    await connection.run(
      `ATTACH ${sqlString(file)} AS warehouse (TYPE DUCKDB, ${mode}ROW_GROUP_SIZE ${ROW_GROUP_SIZE})`,
    );
    await connection.run('USE warehouse');
    await connection.run(`SET memory_limit = '${memoryLimit}'`);
    return { instance, connection };
  }

  /**
   * After a transaction that failed once it had appended rows: drops this instance without a
   * checkpoint and opens the file again, so only what was committed (the file and its log) is
   * kept. DuckDB's rollback of such a transaction can leave the table's in-memory row ids with a
   * gap (every later commit then failed "Could not find node in column segment tree"), and a
   * checkpoint would write that state to the file.
   */
  private async reopen(): Promise<void> {
    this.dropAppenders();
    this.raisedTo = 0;
    this.current = undefined;
    await this.connection.run('PRAGMA disable_checkpoint_on_shutdown').catch(() => undefined);
    this.connection.closeSync();
    this.instance.closeSync();
    const { instance, connection } = await DuckDbStore.connect(this.file, this.readOnly, this.memoryLimit);
    this.instance = instance;
    this.connection = connection;
    // The log was replayed into memory: write it into the file, so the next commits have room.
    await this.checkpoint().catch(() => undefined);
  }

  /** The memory limit in bytes. */
  private get memoryBytes(): number {
    const [, n, unit] = /^(\d+(?:\.\d+)?)\s*([KMGT])i?B$/i.exec(this.memoryLimit) ?? [];
    return Number(n) * 1024 ** ' KMGT'.indexOf((unit ?? 'M').toUpperCase());
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
    const appenders = await this.appenderSet();
    try {
      const t = this.tables();
      this.layouts = {
        events: await readLayout(this.connection, t.events.schema, t.events.table, EVENT_COLUMNS, appenders.events),
        debug: await readLayout(this.connection, t.debug.schema, t.debug.table, LOG_COLUMNS, appenders.debug),
        logs: await readLayout(this.connection, t.logs.schema, t.logs.table, LOG_COLUMNS, appenders.logs),
      };
    } finally {
      this.dropAppenders();
    }
    this.ready = true;
  }

  /** Whether `schema.table` exists (a read-only warehouse may never have been written). */
  private async tableExists(schema: string, table: string): Promise<boolean> {
    const reader = await this.connection.runAndReadAll(
      'SELECT 1 FROM information_schema.tables WHERE table_schema = $schema AND table_name = $table',
      { schema, table },
    );
    return reader.currentRowCount > 0;
  }

  /** `[file_path, file_generation]` of the ledger rows among `paths`. */
  async ingested(paths: readonly string[]): Promise<[string, string][]> {
    return (await this.ledgerRows(paths, false)).map(([p, g]) => [p, g]);
  }

  /** The same, each with whether its row counts rejected lines (it lacks `CLEAN_LEDGER_ROW`): one scan. */
  async ingestedRejecting(paths: readonly string[]): Promise<[string, string, boolean][]> {
    return this.ledgerRows(paths, true);
  }

  private async ledgerRows(paths: readonly string[], rejecting: boolean): Promise<[string, string, boolean][]> {
    await this.ensureTables();
    const exists = await this.tableExists(this.names.logsDataset, this.names.logsTable);
    if (!exists) return []; // read-only on a warehouse never written
    const found: [string, string, boolean][] = [];
    const flag = rejecting ? 'bool_or(NOT contains(l.event, $clean))' : 'false';
    // A semi join, not `IN (subquery)`: 9 ms instead of 15 for 2,000 paths against 20,000 ledger rows.
    for (let i = 0; i < paths.length; i += LEDGER_PATHS_PER_QUERY) {
      const reader = await this.connection.runAndReadAll(
        `SELECT l.file_path, l.file_generation, ${flag} FROM ${this.ledger} AS l
         SEMI JOIN (SELECT unnest($paths) AS p) AS q ON l.file_path = q.p
         WHERE starts_with(l.event, $mark) GROUP BY ALL`,
        {
          mark: INGESTED_EVENT,
          paths: listValue(paths.slice(i, i + LEDGER_PATHS_PER_QUERY)),
          ...(rejecting ? { clean: CLEAN_LEDGER_ROW } : {}),
        },
      );
      for (const [path, generation, r] of reader.getRowsJS())
        found.push([String(path), String(generation), r === true]);
    }
    return found;
  }

  /** What landed of `files`: ledger texts and debug rows by `path#generation`, events by default batch id. */
  async landed(
    files: readonly (FileKey & { batchId: string })[],
  ): Promise<[[string, string][], [string, number][], [string, number][]]> {
    const exists = await this.tableExists(this.names.logsDataset, this.names.logsTable);
    if (!exists || files.length === 0) return [[], [], []];
    const debug = `${quote(this.names.logsDataset)}.${quote(this.names.debugTable)}`;
    const events = `${quote(this.names.eventsDataset)}.${quote(this.names.eventsTable)}`;
    const paths = listValue([...new Set(files.map((f) => f.filePath))]);
    const key = (p: unknown, g: unknown) => `${String(p)}#${String(g)}`;
    const ledger = await this.connection.runAndReadAll(
      `SELECT file_path, file_generation, any_value(event) FROM ${this.ledger}
       WHERE starts_with(event, $mark) AND file_path IN (SELECT unnest($paths)) GROUP BY ALL`,
      { mark: INGESTED_EVENT, paths },
    );
    const rejected = await this.connection.runAndReadAll(
      `SELECT file_path, file_generation, count(*) FROM ${debug} WHERE file_path IN (SELECT unnest($paths)) GROUP BY ALL`,
      { paths },
    );
    const counted = await this.connection.runAndReadAll(
      `SELECT batch_id, count(*) FROM ${events} WHERE batch_id IN (SELECT unnest($batches)) GROUP BY ALL`,
      { batches: listValue([...new Set(files.map((f) => f.batchId))]) },
    );
    return [
      ledger.getRowsJS().map(([p, g, e]) => [key(p, g), String(e)]),
      rejected.getRowsJS().map(([p, g, n]) => [key(p, g), Number(n)]),
      counted.getRowsJS().map(([b, n]) => [String(b), Number(n)]),
    ];
  }

  /** The session gaps of landed events, per partition (see `GapRow`). */
  async sessionGaps(query: GapQuery): Promise<GapRow[]> {
    const events = `${quote(this.names.eventsDataset)}.${quote(this.names.eventsTable)}`;
    const exists = await this.tableExists(this.names.eventsDataset, this.names.eventsTable);
    if (!exists) return [];
    const reader = await this.connection.runAndReadAll(sessionGapSql(events), {
      envs: listValue([...query.environments]),
      from: BigInt(query.firstDay) * DAY_US,
      to: BigInt(query.lastDay + 1) * DAY_US,
    });
    return reader.getRowsJS().map(([environment, day, bucket, gaps, missing, sessions]) => ({
      environment: String(environment),
      day: Number(day),
      bucket: Number(bucket),
      gaps: Number(gaps),
      missing: Number(missing),
      sessions: Number(sessions),
    }));
  }

  /** Starts a file's transaction; false (and nothing started) when the ledger already has it. */
  async begin(file: FileKey): Promise<boolean> {
    await this.ensureTables();
    const hashes = await this.loadLedgerHashes();
    if (this.group) throw new Error(`a file's own transaction while group ${this.group.id} is open`);
    await this.connection.run('BEGIN TRANSACTION');
    if (inLedger(hashes, file.filePath, file.generation)) {
      const former = formerGeneration(file.generation) ?? file.generation;
      const reader = await this.connection.runAndReadAll(
        `SELECT 1 FROM ${this.ledger} WHERE file_path = $path AND file_generation IN ($generation, $former) AND starts_with(event, $mark) LIMIT 1`,
        { path: file.filePath, generation: file.generation, former, mark: INGESTED_EVENT },
      );
      if (reader.currentRowCount > 0) {
        await this.connection.run('ROLLBACK');
        return false;
      }
    }
    this.current = file;
    await this.appenderSet();
    return true;
  }

  /**
   * Adds whole files to group `group`'s transaction (the first call begins it): the ledger is asked
   * once per call (a query only for keys whose hash it holds); files already there or already in the
   * group are left out. The outcome of each file, in order, if the group commits. A failure rolls the
   * group back: its later appends and its commit fail too, and nothing of it lands.
   */
  async appendGroup(group: number, payload: GroupPayload): Promise<('written' | 'already-ingested')[]> {
    if (this.failedGroup === group) throw new Error('an earlier part of this group failed; nothing of it was written');
    await this.ensureTables();
    const hashes = await this.loadLedgerHashes();
    if (this.current) throw new Error(`group ${group} while a file's own transaction is open`);
    if (this.group && this.group.id !== group) throw new Error(`group ${group} while group ${this.group.id} is open`);
    if (!this.group) {
      await this.connection.run('BEGIN TRANSACTION');
      this.group = { id: group, keys: new Set(), landed: [] };
    }
    const open = this.group;
    try {
      const outcomes = payload.files.map((): 'written' | 'already-ingested' => 'written');
      const hits: number[] = [];
      payload.files.forEach(([path, generation], i) => {
        const key = `${path}#${generation}`;
        if (open.keys.has(key)) outcomes[i] = 'already-ingested';
        else if (inLedger(hashes, path, generation)) hits.push(i);
        open.keys.add(key);
      });
      if (hits.length > 0) await this.markLanded(payload, hits, outcomes);
      const keep = outcomes.every((o) => o === 'written') ? undefined : outcomes.map((o) => o === 'written');
      await this.appenderSet();
      for (const [k, kind] of (['events', 'debug', 'logs'] as const).entries()) {
        const counts = payload.files.map((f) => f[2 + k] as number);
        await this.appendColumns(kind, keep ? keepRows(payload[kind], counts, keep) : payload[kind]);
      }
      payload.files.forEach(
        ([path, generation], i) => outcomes[i] === 'written' && open.landed.push(ledgerHash(path, generation)),
      );
      return outcomes;
    } catch (error) {
      this.failedGroup = group;
      this.group = undefined;
      await this.rollback();
      throw error;
    }
  }

  /** Commits group `group`'s transaction: every file appended to it lands, or none. */
  async commitGroup(group: number): Promise<void> {
    if (this.failedGroup === group) throw new Error('an earlier part of this group failed; nothing of it was written');
    const open = this.group;
    if (!open || open.id !== group) return; // nothing was appended
    this.group = undefined;
    try {
      this.closeAppenders(await this.appenderSet());
      await this.connection.run('COMMIT');
      await this.restoreLimit();
    } catch (error) {
      this.failedGroup = group;
      await this.rollback();
      throw error;
    }
    const hashes = await this.loadLedgerHashes();
    for (const h of open.landed) hashes.add(h);
    this.filesSinceCheckpoint += open.landed.length;
    await this.maybeCheckpoint();
  }

  /** Marks `already-ingested` the files among `candidates` that the ledger holds. */
  private async markLanded(group: GroupPayload, candidates: number[], outcomes: string[]): Promise<void> {
    const paths = candidates.map((i) => group.files[i]![0]);
    const reader = await this.connection.runAndReadAll(
      `SELECT DISTINCT file_path, file_generation FROM ${this.ledger}
       WHERE starts_with(event, $mark) AND file_path IN (SELECT unnest($paths))`,
      { mark: INGESTED_EVENT, paths: listValue(paths) },
    );
    const match = ledgerMatcher(
      candidates.map((i) => ({ filePath: group.files[i]![0], generation: group.files[i]![1] })),
    );
    const landed = new Set(
      reader.getRowsJS().flatMap(([p, g]) => match({ filePath: String(p), generation: String(g) })),
    );
    for (const i of candidates) {
      const [path, generation] = group.files[i]!;
      if (landed.has(`${path}#${generation}`)) outcomes[i] = 'already-ingested';
    }
  }

  /**
   * The three appenders of the open transaction. Made anew in each transaction and closed before
   * its commit: an appender kept across commits left a gap in a table's row ids after a checkpoint
   * (DuckDB then failed every later commit: "Could not find node in column segment tree").
   */
  private async appenderSet(): Promise<Record<TableKind, DuckDBAppender>> {
    if (this.appenders) return this.appenders;
    const t = this.tables();
    this.appenders = {
      events: await this.connection.createAppender(t.events.table, t.events.schema),
      debug: await this.connection.createAppender(t.debug.table, t.debug.schema),
      logs: await this.connection.createAppender(t.logs.table, t.logs.schema),
    };
    return this.appenders;
  }

  /** Appends rows of the file transaction `begin` opened, given as columns. */
  async append(kind: TableKind, columns: Columns): Promise<void> {
    if (!this.current) throw new Error('append outside a file transaction');
    await this.appendColumns(kind, columns);
    // Hand a large file's rows to DuckDB as they come, so they are not buffered twice.
    if (kind === 'events') (await this.appenderSet()).events.flushSync();
  }

  /** Rows as data chunks into the kept appender: far fewer native calls than value by value. */
  private async appendColumns(kind: TableKind, columns: Columns): Promise<void> {
    const appender = this.appenders?.[kind];
    const layout = this.layouts?.[kind];
    if (!appender || !layout) throw new Error('no appender: ensureTables() and appenderSet() first');
    const schema: readonly Column[] = kind === 'events' ? EVENT_COLUMNS : LOG_COLUMNS;
    const { chunk, source } = layout;
    const rows = columns[0]?.length ?? 0;
    for (let start = 0; start < rows; start += CHUNK_ROWS) {
      const n = Math.min(CHUNK_ROWS, rows - start);
      let bytes = 0;
      const values = source.map((k): DuckDBValue[] => {
        if (k < 0) return new Array<DuckDBValue>(n).fill(null); // a column of the table's own
        const type = schema[k]!.type;
        return (columns[k] ?? []).slice(start, start + n).map((v): DuckDBValue => {
          bytes += typeof v === 'string' ? v.length : 16;
          return toDuckValue(type, v);
        });
      });
      this.bytesSinceCheckpoint += bytes;
      await this.roomFor((bytes * ROW_GROUP_SIZE) / n);
      chunk.reset();
      chunk.setColumns(values);
      appender.appendDataChunk(chunk);
    }
  }

  /** Raises the memory limit, for the open transaction, to hold a row group of `groupBytes`. */
  private async roomFor(groupBytes: number): Promise<void> {
    const need = groupBytes * ROW_GROUP_ROOM + 16 * 2 ** 20;
    if (need <= Math.max(this.memoryBytes, this.raisedTo)) return;
    this.raisedTo = need;
    await this.connection.run(`SET memory_limit = '${Math.ceil(need / 2 ** 20)}MiB'`);
  }

  /** Back to the configured limit once a transaction of wide rows has ended. */
  private async restoreLimit(): Promise<void> {
    if (this.raisedTo === 0) return;
    this.raisedTo = 0;
    await this.connection.run(`SET memory_limit = '${this.memoryLimit}'`);
  }

  /** Commits the file transaction `begin` opened. */
  async commit(): Promise<void> {
    this.closeAppenders(await this.appenderSet());
    await this.connection.run('COMMIT');
    await this.restoreLimit();
    if (this.current) this.ledgerHashes?.add(ledgerHash(this.current.filePath, this.current.generation));
    this.current = undefined;
    this.filesSinceCheckpoint++;
    await this.maybeCheckpoint();
  }

  /**
   * The commit is durable; a checkpoint that fails leaves it in the log for the next one (or the
   * next open), and a database it broke fails the next file loudly.
   */
  private async maybeCheckpoint(): Promise<void> {
    const due =
      this.filesSinceCheckpoint >= CHECKPOINT_EVERY_FILES ||
      this.bytesSinceCheckpoint >= CHECKPOINT_SHARE_OF_MEMORY * this.memoryBytes;
    if (due) await this.checkpoint().catch(() => undefined);
  }

  /** Writes the log into the file, with memory to do it, then returns to the small limit. */
  private async checkpoint(): Promise<void> {
    this.filesSinceCheckpoint = 0;
    this.bytesSinceCheckpoint = 0;
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
    const result = await this.connection.stream(
      `SELECT file_path, file_generation FROM ${this.ledger} WHERE starts_with(event, $mark)`,
      {
        mark: INGESTED_EVENT,
      },
    );
    for (let chunk = await result.fetchChunk(); chunk && chunk.rowCount > 0; chunk = await result.fetchChunk()) {
      for (const [path, generation] of chunk.getRows()) hashes.add(ledgerHash(String(path), String(generation)));
    }
    this.ledgerHashes = hashes;
    return hashes;
  }

  /** Abandons the open transaction: rolled back, and the file opened afresh (see `reopen`). */
  async rollback(): Promise<void> {
    this.dropAppenders();
    this.current = undefined;
    this.group = undefined;
    await this.connection.run('ROLLBACK').catch(() => undefined);
    await this.reopen();
  }

  /** Flushes and closes the transaction's appenders (a failure here fails the transaction). */
  private closeAppenders(appenders: Record<TableKind, DuckDBAppender>): void {
    this.appenders = undefined;
    for (const a of Object.values(appenders)) a.closeSync();
  }

  private dropAppenders(): void {
    for (const a of Object.values(this.appenders ?? {})) {
      try {
        a.closeSync();
      } catch {
        // an appender that failed to flush is rolled back with the transaction
      }
    }
    this.appenders = undefined;
  }

  async close(): Promise<void> {
    this.dropAppenders();
    if (!this.readOnly && (this.filesSinceCheckpoint > 0 || this.bytesSinceCheckpoint > 0))
      await this.checkpoint().catch(() => undefined); // else at the next open
    this.connection.closeSync();
    this.instance.closeSync();
  }
}

/** Whether the ledger may hold the file: its key's hash, or its former generation's, is known. */
function inLedger(hashes: ReadonlySet<number>, path: string, generation: string): boolean {
  if (hashes.has(ledgerHash(path, generation))) return true;
  const former = formerGeneration(generation);
  return former !== undefined && hashes.has(ledgerHash(path, former));
}

/** The limit as DuckDB's SET takes it, refusing anything but a size (it is spliced into SQL). */
function memoryLimitValue(limit: string): string {
  if (!/^\d+(\.\d+)?\s*[KMGT]i?B$/i.test(limit)) throw new Error(`invalid DuckDB memory limit: ${limit}`);
  return limit;
}

/** A string literal for SQL. */
function sqlString(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

/** The rows of the files marked in `keep`, given each file's row count, in order. */
function keepRows(columns: Columns, counts: readonly number[], keep: readonly boolean[]): Columns {
  return columns.map((values) => {
    const out: unknown[] = [];
    let at = 0;
    counts.forEach((n, i) => {
      if (keep[i]) for (let r = at; r < at + n; r++) out.push(values[r]);
      at += n;
    });
    return out;
  });
}

const DAY_US = 86_400_000_000n;

/**
 * Gaps in `event_index` within each session of each environment, among events whose timestamp is in
 * [$from, $to) microseconds, counted per UTC day and 8-hour bucket of each gap's midpoint.
 */
function sessionGapSql(events: string): string {
  return `
    WITH e AS (
      SELECT analytics_environment AS env, session_id, event_index, epoch_us(event_timestamp) AS us,
        lag(event_index) OVER w AS prev_index, lag(epoch_us(event_timestamp)) OVER w AS prev_us
      FROM ${events}
      WHERE session_id IS NOT NULL AND event_index IS NOT NULL AND event_timestamp IS NOT NULL
        AND epoch_us(event_timestamp) >= $from AND epoch_us(event_timestamp) < $to
        AND analytics_environment IN (SELECT unnest($envs))
      WINDOW w AS (PARTITION BY analytics_environment, session_id ORDER BY event_index)
    ), g AS (
      SELECT env, session_id, event_index::HUGEINT - prev_index - 1 AS missing, prev_us + (us - prev_us) / 2 AS mid
      FROM e WHERE prev_index IS NOT NULL AND event_index::HUGEINT - prev_index > 1
    )
    SELECT env, CAST(floor(mid / 86400000000) AS BIGINT) AS day,
      CAST(floor((mid - floor(mid / 86400000000) * 86400000000) / 28800000000) AS BIGINT) AS bucket,
      count(*) AS gaps, sum(missing) AS missing, count(DISTINCT session_id) AS sessions
    FROM g GROUP BY ALL ORDER BY ALL`;
}
