import { DEFAULT_GROUP_LIMITS } from '../../writers/group-writer.js';
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { UserError } from '../../core/errors.js';
import { createPipeline } from '../../core/limiter.js';
import type { EventRow, LogRow } from '../../core/schema/rows.js';
import {
  DEFAULT_TABLE_NAMES,
  EVENT_COLUMNS,
  LOG_COLUMNS,
  validateTableNames,
  type Column,
  type TableNames,
} from '../../core/schema/table-schemas.js';
import { createGroupWriter, type GroupCommitter } from '../../writers/group-writer.js';
import {
  ledgerMatcher,
  type FileBatches,
  type FileKey,
  type Warehouse,
  type WriteOutcome,
} from '../../ports/warehouse.js';
import type { TableKind } from './duckdb-append.js';
import { coalescedLookup } from './coalesced-lookup.js';
import {
  fromWire,
  groupPayload,
  toColumns,
  type Op,
  type Open,
  type Reply,
  type Request,
  type Result,
  type StoreOps,
} from './duckdb-protocol.js';

/**
 * DuckDB's memory limit while files are written. A commit must pin what its transaction appended:
 * under 16 MB, a group of 1,000 ordinary files (~13 MB of rows) failed "failed to pin block".
 * Groups stay under 16 MiB of rows (writers/group-writer.ts), and a transaction of wider rows raises
 * the limit for itself (MemoryBudget.appending, duckdb-memory.ts). 32 MB rather than 64: the 240 MiB file of 2 KB
 * attributes peaked at 262-266 MiB instead of 295-303, at the same speed.
 */
const DEFAULT_MEMORY_LIMIT = '32MB';

/** Appends a file may have in flight to the worker: bounds memory, keeps both threads busy. */
const IN_FLIGHT = 5;

/**
 * The embedded warehouse: one DuckDB file with schemas `events` and `logs` named like BigQuery's
 * datasets, each file written in one transaction. DuckDB runs on a worker thread, so appending a
 * large file's rows overlaps with parsing the next ones.
 */
export async function createDuckDbWarehouse(
  path: string,
  names: TableNames = DEFAULT_TABLE_NAMES,
  options: { readOnly?: boolean; memoryLimit?: string } = {},
  /** A worker started earlier (`startDuckDbWorker`); it is ended if the file cannot be opened. */
  started?: DuckDbWorker,
): Promise<Warehouse> {
  const file = resolve(path);
  const readOnly = options.readOnly ?? false;
  try {
    validateTableNames(names);
    if (!readOnly) mkdirSync(dirname(file), { recursive: true });
  } catch (error) {
    await started?.worker.terminate();
    throw error;
  }
  const own = started ?? startDuckDbWorker();
  const worker = own.worker;
  worker.ref();
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let nextId = 1;
  let opened: ((error?: string) => void) | undefined;
  const openError = new Promise<string | undefined>((r) => (opened = r));
  const stopped = (error: Error) => {
    opened?.(error.message);
    for (const p of pending.values()) p.reject(error);
    pending.clear();
  };
  worker.on('message', (m: Reply) => {
    if (m.id === 0) return opened?.(m.error?.message);
    const p = pending.get(m.id);
    pending.delete(m.id);
    if (m.error !== undefined) p?.reject(fromWire(m.error));
    else p?.resolve(m.result);
  });
  worker.on('error', stopped);
  worker.on('exit', () => stopped(new Error('the DuckDB worker stopped')));
  if (own.failure !== undefined) stopped(own.failure);
  const open: Open = {
    open: { file, names, options: { readOnly, memoryLimit: options.memoryLimit ?? DEFAULT_MEMORY_LIMIT } },
  };
  worker.postMessage(open);
  const call = <K extends Op>(op: K, ...args: Parameters<StoreOps[K]>): Promise<Result<K>> =>
    new Promise<Result<K>>((resolveCall, reject) => {
      const id = nextId++;
      pending.set(id, { resolve: resolveCall as (v: unknown) => void, reject });
      const request: Request<K> = { id, op, args };
      worker.postMessage(request);
    });

  const failed = await openError;
  if (failed !== undefined) {
    await worker.terminate();
    throw openFailure(path, failed);
  }

  let queue: Promise<unknown> = Promise.resolve();
  /**
   * Requests reach the worker in the order made. A blocking one (a file's own transaction, the
   * ledger, tables) waits for everything before it and holds back everything after it; a group's
   * appends and commit are posted without waiting for replies, so parsing runs ahead of DuckDB.
   */
  const ordered = <T>(work: () => Promise<T>, blocking = true): Promise<T> => {
    const next = queue.then(work, work);
    if (blocking) queue = next.catch(() => undefined);
    return next;
  };
  const serial = <T>(work: () => Promise<T>): Promise<T> => ordered(work, true);

  const readOnlyError = () => new Error(`${file} was opened read-only`);

  /** One file in its own transaction, its rows streamed to the worker a few batches ahead. */
  const writeAlone = async (fileKey: FileKey, batches: FileBatches): Promise<WriteOutcome> => {
    if (!(await call('begin', fileKey))) return 'already-ingested';
    const appends = createPipeline(IN_FLIGHT);
    const send = async (kind: TableKind, rows: readonly (EventRow | LogRow)[], columns: readonly Column[]) => {
      if (rows.length > 0) await appends.push(() => call('append', kind, toColumns([rows], columns)));
    };
    try {
      for await (const batch of batches) {
        await send('events', batch.events, EVENT_COLUMNS);
        await send('debug', batch.debug, LOG_COLUMNS);
        await send('logs', batch.logs, LOG_COLUMNS);
      }
      await appends.drain();
      await call('commit');
      return 'written';
    } catch (error) {
      await appends.settle();
      await call('rollback').catch(() => undefined);
      throw error;
    }
  };

  // The plan asks once per partition; the asks that wait meanwhile share one scan of the ledger.
  const ledgerOf = coalescedLookup((paths: readonly string[]) => serial(() => call('ingested', [...new Set(paths)])));
  const ledgerRejecting = coalescedLookup((paths: readonly string[]) =>
    serial(() => call('ingestedRejecting', [...new Set(paths)])),
  );

  return {
    url: `duckdb:${file}`,
    // DuckDB commits a group of files at a time: two groups' worth keeps reading going while one commits.
    filesInFlight: 2 * DEFAULT_GROUP_LIMITS.maxFiles,
    ensureTables: () => serial(() => call('ensureTables')),
    async ingested(files) {
      const found = await ledgerOf(files.map((f) => f.filePath));
      const match = ledgerMatcher(files);
      return new Set(found.flatMap(([filePath, generation]) => match({ filePath, generation })));
    },
    async ingestedRejecting(files) {
      const found = await ledgerRejecting(files.map((f) => f.filePath));
      const landed = new Set<string>();
      const rejecting = new Set<string>();
      const match = ledgerMatcher(files);
      for (const [filePath, generation, r] of found)
        for (const key of match({ filePath, generation })) {
          landed.add(key);
          if (r) rejecting.add(key);
        }
      return { landed, rejecting };
    },
    async landed(files) {
      const [ledger, debug, events, shared] = await serial(() => call('landed', files));
      return { ledger: new Map(ledger), debug: new Map(debug), events: new Map(events), batchParsed: new Map(shared) };
    },
    sessionGaps: (query) => serial(() => call('sessionGaps', query)),
    async landedElsewhere(names, here) {
      const found = await serial(() => call('landedUnder', [...names]));
      return found
        .filter(([name, filePath]) => filePath !== here(name))
        .map(([name, filePath]) => ({ name, filePath }));
    },
    openWriter(limits) {
      const committer: GroupCommitter = {
        append: (group, files) =>
          readOnly
            ? Promise.reject(readOnlyError())
            : ordered(() => call('appendGroup', group, groupPayload(files)), false),
        commit: (group) =>
          readOnly ? Promise.reject(readOnlyError()) : ordered(() => call('commitGroup', group), false),
        writeAlone: (fileKey, batches) =>
          readOnly ? Promise.reject(readOnlyError()) : serial(() => writeAlone(fileKey, batches)),
      };
      return createGroupWriter(committer, limits);
    },
    async close() {
      await queue;
      await call('close').catch(() => undefined);
      await worker.terminate();
    },
  };
}

/** A DuckDB worker, started before its file is opened; `failure` if it stopped before that. */
export interface DuckDbWorker {
  worker: Worker;
  failure?: Error;
}

/**
 * Starts the worker that will own a DuckDB file, before the file is known: loading DuckDB (about a
 * tenth of a second) then overlaps with planning. Until `createDuckDbWarehouse` takes it, it does
 * not keep the process alive; one never taken is `terminate`d.
 */
export function startDuckDbWorker(): DuckDbWorker {
  const worker = new Worker(new URL('./duckdb-worker.js', import.meta.url), {
    // The young generation sized as the CLI's: the worker's garbage is short-lived too.
    resourceLimits: { maxYoungGenerationSizeMb: 24 },
  });
  const started: DuckDbWorker = { worker };
  worker.unref();
  worker.once('error', (error) => (started.failure ??= error));
  worker.once('exit', () => (started.failure ??= new Error('the DuckDB worker stopped before the file was opened')));
  return started;
}

/** Why the file could not be opened, as DuckDB said it, with what to do about that cause. */
function openFailure(path: string, error: string): UserError {
  const said = error.split('\n')[0] ?? error;
  const at = `--warehouse duckdb:${path}`;
  if (/not a valid DuckDB database file/i.test(said))
    return new UserError(
      `${at}: not a DuckDB file`,
      'Give a DuckDB file, or a path that does not exist yet to create one',
      2,
    );
  if (/lock/i.test(said))
    return new UserError(
      `${at}: in use by another process (${said})`,
      'Is another backfill using this file? Wait for it, or choose another file',
    );
  if (/permission denied|read-only file system/i.test(said))
    return new UserError(
      `${at}: cannot write there (${said})`,
      'Check the permissions of the file and its folder, or choose another path',
    );
  return new UserError(`${at}: cannot open (${said})`);
}
