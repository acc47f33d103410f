import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import type { TableNames } from '../../core/schema/table-schemas.js';
import { ledgerKey, type FileKey, type GapQuery, type GapRow } from '../../ports/warehouse.js';
import { keepRows, type Columns, type GroupPayload, type TableKind } from './duckdb-append.js';
import { CHECKPOINT_MEMORY, connectDuckDb, memoryLimitValue } from './duckdb-connect.js';
import { LedgerGuard } from './duckdb-ledger-guard.js';
import { MemoryBudget } from './duckdb-memory.js';
import { landedRows, landedUnder, ledgerRows, ledgerTable, sessionGaps } from './duckdb-queries.js';
import { TableWriters } from './duckdb-table-writers.js';
import { ledgerHash } from './ledger-hash.js';
import { clearPending, ensurePendingTable, markPending, recoverPending, tailStarts } from './duckdb-pending.js';

/**
 * A file's own transaction commits every this many bytes of rows (duckdb-pending.ts): DuckDB keeps
 * an open transaction's rows in its memory or its temporary folder until the commit.
 */
const CHUNK_BYTES = 8 * 2 ** 20;

export interface StoreOptions {
  readOnly: boolean;
  memoryLimit: string;
}

/**
 * The DuckDB file itself: tables, ledger queries, and transactions of one file or of a group of
 * files. It runs on the warehouse's worker thread (duckdb-worker.ts), so DuckDB's work overlaps
 * with parsing.
 */
export class DuckDbStore {
  private ready = false;
  private readonly writers: TableWriters;
  private readonly guard: LedgerGuard;
  private readonly budget: MemoryBudget;
  /** The open file transaction (`begin`): its file, where its rows begin, whether it is recorded as pending. */
  private current: FileKey | undefined;
  private chunk = { starts: [0n, 0n, 0n] as [bigint, bigint, bigint], marked: false, bytes: 0 };
  /** The open group's transaction: its id, the keys appended to it and the ledger hashes it adds. */
  private group: { id: number; keys: Set<string>; landed: number[] } | undefined;
  /** The last group that failed: its later appends and its commit are refused. */
  private failedGroup = 0;

  private constructor(
    private instance: DuckDBInstance,
    private connection: DuckDBConnection,
    private readonly file: string,
    private readonly names: TableNames,
    private readonly readOnly: boolean,
    /** Checked by memoryLimitValue at open: it is spliced into SQL. */
    private readonly memoryLimit: string,
  ) {
    this.writers = new TableWriters(names);
    this.guard = new LedgerGuard(ledgerTable(names));
    this.budget = new MemoryBudget((sql) => this.connection.run(sql), memoryLimit);
  }

  static async open(file: string, names: TableNames, options: StoreOptions): Promise<DuckDbStore> {
    const memoryLimit = memoryLimitValue(options.memoryLimit);
    const { instance, connection } = await connectDuckDb(file, options.readOnly, memoryLimit);
    return new DuckDbStore(instance, connection, file, names, options.readOnly, memoryLimit);
  }

  /**
   * After a transaction that failed once it had appended rows: drops this instance without a
   * checkpoint and opens the file again, so only what was committed (the file and its log) is
   * kept. DuckDB's rollback of such a transaction can leave the table's in-memory row ids with a
   * gap (every later commit then failed "Could not find node in column segment tree"), and a
   * checkpoint would write that state to the file.
   */
  private async reopen(): Promise<void> {
    this.writers.drop();
    this.budget.reopened();
    this.current = undefined;
    await this.connection.run('PRAGMA disable_checkpoint_on_shutdown').catch(() => undefined);
    this.connection.closeSync();
    this.instance.closeSync();
    const { instance, connection } = await connectDuckDb(this.file, this.readOnly, this.memoryLimit);
    this.instance = instance;
    this.connection = connection;
    // The log was replayed into memory: write it into the file, so the next commits have room.
    await this.budget.checkpoint().catch(() => undefined);
    if (this.ready) await this.recover();
  }

  async ensureTables(): Promise<void> {
    if (this.ready || this.readOnly) return;
    await this.writers.ensure(this.connection);
    await ensurePendingTable(this.connection, this.names);
    await this.recover();
    this.ready = true;
  }

  /** Removes what a file cut short left of itself (duckdb-pending.ts), before anything else is written. */
  private async recover(): Promise<void> {
    // Deleting a large file's rows needs room, as a checkpoint does: under the write limit it failed to pin.
    await this.connection.run(`SET memory_limit = '${CHECKPOINT_MEMORY}'`);
    const removed = await recoverPending(this.connection, this.names).finally(() =>
      this.connection.run(`SET memory_limit = '${this.memoryLimit}'`),
    );
    if (removed > 0) await this.budget.checkpoint().catch(() => undefined);
  }

  /** `[file_path, file_generation]` of the ledger rows among `paths`. */
  async ingested(paths: readonly string[]): Promise<[string, string][]> {
    await this.ensureTables();
    return (await ledgerRows(this.connection, this.names, paths, false)).map(([p, g]) => [p, g]);
  }

  /** The same, each with whether its row counts rejected lines (it lacks `CLEAN_LEDGER_ROW`): one scan. */
  async ingestedRejecting(paths: readonly string[]): Promise<[string, string, boolean][]> {
    await this.ensureTables();
    return ledgerRows(this.connection, this.names, paths, true);
  }

  /** What landed of `files`: ledger texts and debug rows by `path#generation`, events by default batch id. */
  landed(
    files: readonly (FileKey & { batchId: string })[],
  ): Promise<[[string, string][], [string, number][], [string, number][], [string, number][]]> {
    return landedRows(this.connection, this.names, files);
  }

  /** Ledger paths ending in `/NAME` for each of `names` (a few): `[name, file_path]`, at most 100. */
  async landedUnder(names: readonly string[]): Promise<[string, string][]> {
    await this.ensureTables();
    return landedUnder(this.connection, this.names, names);
  }

  /** The session gaps of landed events, per partition (see `GapRow`). */
  sessionGaps(query: GapQuery): Promise<GapRow[]> {
    return sessionGaps(this.connection, this.names, query);
  }

  /** Starts a file's transaction; false (and nothing started) when the ledger already has it. */
  async begin(file: FileKey): Promise<boolean> {
    await this.ensureTables();
    await this.guard.load(this.connection);
    if (this.group) throw new Error(`a file's own transaction while group ${this.group.id} is open`);
    await this.connection.run('BEGIN TRANSACTION');
    if (await this.guard.holds(this.connection, file)) {
      await this.connection.run('ROLLBACK');
      return false;
    }
    this.current = file;
    this.chunk = { starts: await tailStarts(this.connection, this.names), marked: false, bytes: 0 };
    await this.writers.open(this.connection);
    return true;
  }

  /** Appends rows of the file transaction `begin` opened, given as columns. */
  async append(kind: TableKind, columns: Columns): Promise<void> {
    if (!this.current) throw new Error('append outside a file transaction');
    await this.appendRows(kind, columns);
    // Hand a large file's rows to DuckDB as they come, so they are not buffered twice.
    if (kind === 'events') this.writers.flushEvents();
    if (this.chunk.bytes >= CHUNK_BYTES) await this.commitChunk(this.current);
  }

  /** Commits the file's rows so far, recorded as pending until its last chunk (duckdb-pending.ts). */
  private async commitChunk(file: FileKey): Promise<void> {
    this.writers.close();
    if (!this.chunk.marked) await markPending(this.connection, this.names, file, this.chunk.starts);
    this.chunk.marked = true;
    this.chunk.bytes = 0;
    await this.connection.run('COMMIT');
    await this.budget.restore();
    await this.budget.committed(0);
    await this.connection.run('BEGIN TRANSACTION');
    await this.writers.open(this.connection);
  }

  /** Commits the file transaction `begin` opened: its last chunk, with its ledger row. */
  async commit(): Promise<void> {
    this.writers.close();
    if (this.current && this.chunk.marked) await clearPending(this.connection, this.names, this.current);
    await this.connection.run('COMMIT');
    await this.budget.restore();
    if (this.current) this.guard.add([ledgerHash(this.current.filePath, this.current.generation)]);
    this.current = undefined;
    await this.budget.committed(1);
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
    await this.guard.load(this.connection);
    if (this.current) throw new Error(`group ${group} while a file's own transaction is open`);
    if (this.group && this.group.id !== group) throw new Error(`group ${group} while group ${this.group.id} is open`);
    if (!this.group) {
      await this.connection.run('BEGIN TRANSACTION');
      this.group = { id: group, keys: new Set(), landed: [] };
    }
    const open = this.group;
    try {
      const outcomes = payload.files.map((): 'written' | 'already-ingested' => 'written');
      const fresh: number[] = [];
      payload.files.forEach(([path, generation], i) => {
        const key = ledgerKey({ filePath: path, generation });
        if (open.keys.has(key)) outcomes[i] = 'already-ingested';
        else fresh.push(i);
        open.keys.add(key);
      });
      const keys = fresh.map((i) => ({ filePath: payload.files[i]![0], generation: payload.files[i]![1] }));
      for (const j of await this.guard.held(this.connection, keys)) outcomes[fresh[j]!] = 'already-ingested';
      const keep = outcomes.every((o) => o === 'written') ? undefined : outcomes.map((o) => o === 'written');
      await this.writers.open(this.connection);
      for (const [k, kind] of (['events', 'debug', 'logs'] as const).entries()) {
        const counts = payload.files.map((f) => f[2 + k] as number);
        await this.appendRows(kind, keep ? keepRows(payload[kind], counts, keep) : payload[kind]);
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
      this.writers.close();
      await this.connection.run('COMMIT');
      await this.budget.restore();
    } catch (error) {
      this.failedGroup = group;
      await this.rollback();
      throw error;
    }
    this.guard.add(open.landed);
    await this.budget.committed(open.landed.length);
  }

  /** Abandons the open transaction: rolled back, and the file opened afresh (see `reopen`). */
  async rollback(): Promise<void> {
    this.writers.drop();
    this.current = undefined;
    this.group = undefined;
    await this.connection.run('ROLLBACK').catch(() => undefined);
    await this.reopen();
  }

  async close(): Promise<void> {
    this.writers.drop();
    if (!this.readOnly && this.budget.pending) await this.budget.checkpoint().catch(() => undefined); // else at the next open
    this.connection.closeSync();
    this.instance.closeSync();
  }

  /** Rows of the open transaction, as columns, into the table's appender. */
  private appendRows(kind: TableKind, columns: Columns): Promise<void> {
    return this.writers.append(kind, columns, (bytes, rows) => {
      this.chunk.bytes += bytes;
      return this.budget.appending(bytes, rows);
    });
  }
}
