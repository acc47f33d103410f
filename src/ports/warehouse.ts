import { objectKey } from '../core/layout/source-object.js';
import { formerGeneration } from '../core/layout/file-generation.js';
import type { EventRow, LogRow } from '../core/schema/rows.js';

/** Where and since when `--follow` looks for a run's files (see {@link Warehouse.landingSince}). */
export interface LandingWindow {
  /** The run's first and last `event_ds` (absent: only files without a day). */
  firstDay?: string;
  lastDay?: string;
  /** When the run began (less a margin for clocks): rows older than this are not its files'. */
  since: Date;
}

/** What one look found: landed files (`ledgerKey`) with whether lines were rejected, and staged files. */
export interface Landing {
  landed: Map<string, boolean>;
  staged: Set<string>;
}

/** One version of one file, as the once-only ledger knows it (contract §5). */
export interface FileKey {
  /** `gs://bucket/name` or the local path: the logs tables' `file_path`. */
  filePath: string;
  generation: string;
  /** The object's name in its bucket (`data_type=…`), when the caller knows it: its day for the ledger's partition filter. */
  name?: string;
}

/** A slice of one file's rows. A file's rows arrive as several batches so memory stays bounded. */
export interface RowBatch {
  events: EventRow[];
  debug: LogRow[];
  logs: LogRow[];
}

/**
 * `written`: landed with its ledger row. `staged`: accepted whole into BigQuery's staging table; it
 * lands (or is found to have landed already) at the next promotion. `already-ingested`: in the
 * ledger before; nothing written.
 */
export type WriteOutcome = 'written' | 'staged' | 'already-ingested';

/** When a writer commits the files it has gathered: whichever bound is reached first. */
export interface GroupLimits {
  /** Files per commit. */
  maxFiles: number;
  /** Bytes of rows per commit (as `estimateBatchBytes` counts them); a larger file is written alone. */
  maxBytes: number;
  /** How long the first file of a group waits for others before the group commits anyway. */
  maxWaitMs: number;
}

/**
 * Lands files, many per commit. Each file lands whole or not at all, its ledger row with its rows,
 * and a file already in the ledger is never written twice. `write` resolves only once the file's
 * outcome is committed, so whatever the caller records after it is true even if the process dies.
 * A file whose batches throw fails alone (its promise rejects); the rest of its group still lands.
 */
/** A file's batches: streamed, or all at hand (a small file read and parsed at once). */
export type FileBatches = AsyncIterable<RowBatch> | Iterable<RowBatch>;

export interface FileWriter {
  /**
   * Writes one file whole. `again` gives the file's batches anew (read again from its source): a
   * writer that lands many files per commit uses it when a commit failed, to write each file of the
   * group in a commit of its own, so that only a bad file fails.
   */
  write(file: FileKey, batches: FileBatches, again?: () => AsyncIterable<RowBatch>): Promise<WriteOutcome>;
  /** Commits what is gathered and waits for every write; the writer takes no more files. */
  close(): Promise<void>;
  /** Commits the files gathered so far now, without waiting for more (memory is short). */
  flush?(): void;
}

/**
 * Where rows land: BigQuery or an embedded DuckDB file. Implementations:
 * `src/gcp/bigquery/bigquery-warehouse.ts`, `src/local/duckdb/duckdb-warehouse.ts`.
 */
/** Where landed events skip indexes within a session (`status --sessions`). */
export interface GapQuery {
  environments: readonly string[];
  /** Day numbers (days since 1970-01-01, UTC), inclusive. */
  firstDay: number;
  lastDay: number;
}

/** A gap query's days as microseconds since the epoch: `[from, to)`, the bounds both warehouses filter on. */
export function gapWindowMicros(query: GapQuery): [bigint, bigint] {
  const dayUs = 86_400_000_000n;
  return [BigInt(query.firstDay) * dayUs, BigInt(query.lastDay + 1) * dayUs];
}

/**
 * The gaps of one partition: a gap is two events of a session whose `event_index` values are not
 * consecutive; it belongs to the partition (UTC day and time bucket) of the midpoint between them.
 */
export interface GapRow {
  environment: string;
  /** Days since 1970-01-01. */
  day: number;
  /** 0: 0-8, 1: 8-16, 2: 16-24. */
  bucket: number;
  gaps: number;
  /** Indexes missing in all, and the sessions that miss any. */
  missing: number;
  sessions: number;
}

/**
 * What landed of some files, to reconcile with what their ledger rows say was parsed: each file's
 * ledger text (`ingested: N events, M debug rows`, by `ledgerKey`), its debug rows (by `ledgerKey`),
 * and the events whose `batch_id` is each file's default one (`batchIdOf`), by batch id.
 */
export interface Landed {
  ledger: Map<string, string>;
  debug: Map<string, number>;
  events: Map<string, number>;
  /**
   * Events the ledger says were parsed, summed over every landed file whose default batch id is
   * this one: files in other partitions (or other generations) share it when their last two name
   * segments are the same, and their events land under it together.
   */
  batchParsed?: Map<string, number>;
}

export interface Warehouse {
  /** `bigquery:PROJECT` or `duckdb:/abs/file.duckdb`, for messages and run records. */
  readonly url: string;
  /** Files a direct run keeps in flight for this warehouse (what keeps its commits fed). Default 8. */
  readonly filesInFlight?: number;
  /** Creates the datasets (schemas) and tables when missing. Safe to call more than once. */
  ensureTables(): Promise<void>;
  /** Which of `files` already landed: the keys `ledgerKey(file)` of those in the ledger. */
  ingested(files: readonly FileKey[]): Promise<Set<string>>;
  /**
   * Which of `files` have a complete attempt staged, waiting for a promotion (BigQuery's staged
   * writes; a warehouse that commits directly has none): the keys `ledgerKey(file)`.
   */
  staged?(files: readonly FileKey[]): Promise<Set<string>>;
  /**
   * Files landed or staged since `window.since` in the window's days, whoever sent them: a fixed
   * number of queries whatever the number of files (`--follow` asks once per interval).
   */
  landingSince?(window: LandingWindow): Promise<Landing>;
  /**
   * `ingested`, and which of those landed with lines rejected into debug rows (their ledger row
   * counts one or more: it lacks `CLEAN_LEDGER_ROW`), in the same lookup. Keys `ledgerKey(file)`.
   */
  ingestedRejecting?(files: readonly FileKey[]): Promise<{ landed: Set<string>; rejecting: Set<string> }>;
  /**
   * A writer that groups files into commits within `limits` (the warehouse's own defaults where not
   * given; a warehouse may commit smaller groups, down to one file per commit).
   */
  openWriter(limits?: Partial<GroupLimits>): FileWriter;
  /** The session gaps of landed events, per partition (at most a few thousand rows: one per partition). */
  sessionGaps?(query: GapQuery): Promise<GapRow[]>;
  /** For reconciliation: what landed of `files` (a few thousand at a time). */
  landed?(files: readonly (FileKey & { batchId: string })[]): Promise<Landed>;
  /**
   * Of object `names` (a few), those the ledger holds under a path that ends with `/NAME` but is
   * not `here(name)`: the same files at another path (a mirror moved or copied), which would land
   * again. Each with the path found. Absent where the scan would cost money (BigQuery).
   */
  landedElsewhere?(
    names: readonly string[],
    here: (name: string) => string,
  ): Promise<{ name: string; filePath: string }[]>;
  close(): Promise<void>;
}

/** Writes one file in a commit of its own: the function's path. */
export async function writeOneFile(
  warehouse: Warehouse,
  file: FileKey,
  batches: AsyncIterable<RowBatch>,
): Promise<WriteOutcome> {
  const writer = warehouse.openWriter({ maxFiles: 1 });
  try {
    return await writer.write(file, batches);
  } finally {
    await writer.close();
  }
}

/** The key a file has in the ledger. */
export function ledgerKey(file: FileKey): string {
  return objectKey({ name: file.filePath, generation: file.generation });
}

/**
 * Which of `files` a ledger row answers: the file whose key it carries, and a local file whose
 * former generation it carries (see `formerGeneration`). Warehouses read rows by path and keep only
 * those this names: `match(row)` gives the `ledgerKey` of each file the row says has landed.
 */
export function ledgerMatcher(files: readonly FileKey[]): (row: FileKey) => readonly string[] {
  const byRowKey = new Map<string, string[]>();
  const add = (rowKey: string, fileKey: string) => {
    const keys = byRowKey.get(rowKey);
    if (keys === undefined) byRowKey.set(rowKey, [fileKey]);
    else if (!keys.includes(fileKey)) keys.push(fileKey);
  };
  for (const file of files) {
    const key = ledgerKey(file);
    add(key, key);
    const former = formerGeneration(file.generation);
    if (former !== undefined) add(ledgerKey({ filePath: file.filePath, generation: former }), key);
  }
  return (row) => byRowKey.get(ledgerKey(row)) ?? [];
}

/** Log rows whose `event` starts with this mark the file as landed: the ledger. */
export const INGESTED_EVENT = 'ingested';

/** Status prefix of the logs row written for a file the function refused. */
export const REFUSED_EVENT = 'refused';
/** Appended to the generation in the ledger key of a refusal's write (its own key, apart from the file's). */
export const REFUSAL_KEY_SUFFIX = ':refused';

/**
 * A ledger row's `event` (`ingested: N events, M debug rows`) holds this text when M is 0: a row
 * without it counts rejected lines.
 */
export const CLEAN_LEDGER_ROW = ', 0 debug rows';
