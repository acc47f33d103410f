import { CHECKPOINT_MEMORY, ROW_GROUP_SIZE, memoryBytes } from './duckdb-connect.js';

/**
 * So a legal file always lands, a transaction whose rows are so wide that one row group of them
 * would not fit the memory limit gets this many times the group's bytes (plus 16 MiB) until it
 * commits: 2,048 events of 50 KB need ~100 MB however small the limit.
 */
const ROW_GROUP_ROOM = 3;
/**
 * Rows committed between checkpoints (every table's: a one-event file is three, an event and two
 * ledger rows). Until a checkpoint, committed rows (and their bookkeeping) stay in DuckDB's memory,
 * and a checkpoint costs ~50 ms however little it writes (2 cores, 2026-12-07: one every 1,000
 * files took 5.2 s of a 100,000-file run of 11 s, and the main thread waited for it). Counted in
 * files before: 100,000 one-event files peaked at 345-368 MiB checkpointing every 20,000 files,
 * 250-271 MiB every 1,000. Now, paired runs (the CLI as its shebang runs it): 100,000 one-event files
 * 10.7-12.9 s at 227-238 MiB every 1,000 files → 8.1-8.9 s at 232-239 MiB every 12,000 rows (8,000
 * rows: 9.1-10.0 s at 253-261; 4,000 files, i.e. 12,000 rows: 7.7-7.8 s); 10,000 files of 10 events
 * unchanged (2.7 s: 12 rows a file), while 4,000 of them between checkpoints took 274 MiB.
 */
const CHECKPOINT_EVERY_ROWS = 12_000;
/**
 * Committed rows stay in DuckDB's memory until a checkpoint writes them into the file, and a commit
 * that cannot pin its blocks fails ("failed to pin block"): so a checkpoint also comes once the
 * rows appended since the last one reach this share of the memory limit.
 */
const CHECKPOINT_SHARE_OF_MEMORY = 0.4;

/**
 * DuckDB's memory limit over a store's life: the configured one while files are written, more for
 * a transaction of rows too wide for it, and a checkpoint when enough has been committed since the
 * last one. `run` runs a statement on the store's current connection.
 */
export class MemoryBudget {
  private filesSinceCheckpoint = 0;
  /** About the bytes of rows appended since the last checkpoint (text lengths, 16 per other value). */
  private bytesSinceCheckpoint = 0;
  private rowsSinceCheckpoint = 0;
  /** The memory limit in bytes while a transaction of wide rows is open (0: the configured one). */
  private raisedTo = 0;
  private readonly limitBytes: number;

  constructor(
    private readonly run: (sql: string) => Promise<unknown>,
    /** Checked by memoryLimitValue at open: it is spliced into SQL. */
    private readonly limit: string,
  ) {
    this.limitBytes = memoryBytes(limit);
  }

  /** Whether anything was written since the last checkpoint. */
  get pending(): boolean {
    return this.filesSinceCheckpoint > 0 || this.bytesSinceCheckpoint > 0;
  }

  /**
   * Counts `bytes` of rows appended in `rows` rows, first raising the limit, for the open
   * transaction, to hold a row group of such rows.
   */
  async appending(bytes: number, rows: number): Promise<void> {
    this.bytesSinceCheckpoint += bytes;
    this.rowsSinceCheckpoint += rows;
    const need = ((bytes * ROW_GROUP_SIZE) / rows) * ROW_GROUP_ROOM + 16 * 2 ** 20;
    if (need <= Math.max(this.limitBytes, this.raisedTo)) return;
    this.raisedTo = need;
    await this.run(`SET memory_limit = '${Math.ceil(need / 2 ** 20)}MiB'`);
  }

  /** Back to the configured limit once a transaction of wide rows has ended. */
  async restore(): Promise<void> {
    if (this.raisedTo === 0) return;
    this.raisedTo = 0;
    await this.run(`SET memory_limit = '${this.limit}'`);
  }

  /** Forgets a raised limit: the file was opened afresh, at the configured one. */
  reopened(): void {
    this.raisedTo = 0;
  }

  /**
   * After a commit of `files` files: a checkpoint if one is due. The commit is durable; a
   * checkpoint that fails leaves it in the log for the next one (or the next open), and a database
   * it broke fails the next file loudly.
   */
  async committed(files: number): Promise<void> {
    this.filesSinceCheckpoint += files;
    // A large file's chunk (no file committed yet) waits for the byte share: a checkpoint after every
    // 8 MiB chunk took the 256 MiB file from 7.2-7.3 to 7.7-7.8 s.
    const due =
      (files > 0 && this.rowsSinceCheckpoint >= CHECKPOINT_EVERY_ROWS) ||
      this.bytesSinceCheckpoint >= CHECKPOINT_SHARE_OF_MEMORY * this.limitBytes;
    if (due) await this.checkpoint().catch(() => undefined);
  }

  /** Writes the log into the file, with memory to do it, then returns to the configured limit. */
  async checkpoint(): Promise<void> {
    this.filesSinceCheckpoint = 0;
    this.bytesSinceCheckpoint = 0;
    this.rowsSinceCheckpoint = 0;
    await this.run(`SET memory_limit = '${CHECKPOINT_MEMORY}'`);
    try {
      await this.run('CHECKPOINT');
    } finally {
      await this.run(`SET memory_limit = '${this.limit}'`);
    }
  }
}
