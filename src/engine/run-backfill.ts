import { BugError } from '../core/errors.js';
import type { Publisher, SendResult } from '../ports/publisher.js';
import type { SourceObject } from '../ports/source.js';
import type { BackfillPlan } from './plan-backfill.js';
import { mapConcurrent } from './map-concurrent.js';
import type { FileStatus, RunRecord } from './run-record.js';

/** What the run reports as it goes; the CLI prints it, the wizard draws it. */
export type RunEvent =
  | { type: 'file'; object: SourceObject; status: FileStatus; error?: string }
  | { type: 'progress'; progress: RunProgress }
  /** Every file is sent; `staged` of them are being landed (BigQuery's promotion), which can take a while. */
  | { type: 'landing'; staged: number };

export interface RunProgress {
  total: number;
  totalBytes: number;
  done: number;
  doneBytes: number;
  failed: number;
  elapsedMs: number;
}

export interface RunFailure {
  name: string;
  generation: string;
  error: string;
}

/** What the directly ingested files held (a published file's rows are the function's to count). */
export interface RowTotals {
  /** Events landed in the events table. */
  events: number;
  /** Lines rejected into the debug table, and how many files had any. */
  debug: number;
  filesWithDebug: number;
  /** The files with the most rejected lines (at most ROW_EXAMPLES). */
  worst: { name: string; debug: number; events: number }[];
}

export interface RunSummary {
  runId: string;
  rows: RowTotals;
  recordPath: string;
  counts: Record<FileStatus, number>;
  /** The first failures (at most FAILURES_KEPT; `counts.failed` has them all, the run record each one). */
  failures: RunFailure[];
  /** Files never attempted because the run was interrupted. */
  notSent: number;
  /** Why the run stopped early when its record could no longer be written (a full disk). */
  recordError?: string;
  /** Why `counts.staged` files did not land (the final promotion failed); the resume lands them. */
  promotionError?: string;
  interrupted: boolean;
  elapsedMs: number;
  bytes: number;
}

export interface RunOptions {
  plan: BackfillPlan;
  publisher: Publisher;
  record: RunRecord;
  runId: string;
  /** Aborting stops new sends; what is in flight finishes and is recorded. */
  signal?: AbortSignal;
  onEvent?: (e: RunEvent) => void;
  now?: () => number;
  /** Runs the publisher's settle (the final promotion), e.g. retrying while the service is away. */
  settling?: (settle: () => Promise<void>) => Promise<void>;
}

/** Failures a summary keeps: whatever the count, memory stays bounded. */
export const FAILURES_KEPT = 100;
export const ROW_EXAMPLES = 3;

/** Sends every planned file through the publisher, recording each outcome as it is known. */
export async function runBackfill(opts: RunOptions): Promise<RunSummary> {
  const now = opts.now ?? (() => performance.now());
  const started = now();
  if (!opts.plan.files) throw new BugError('runBackfill: the plan was made for a preview only (no journal)');
  const files = opts.plan.files();
  const counts: Record<FileStatus, number> = {
    published: 0,
    ingested: 0,
    staged: 0,
    'already-ingested': 0,
    failed: 0,
  };
  const failures: RunFailure[] = [];
  const rows: RowTotals = { events: 0, debug: 0, filesWithDebug: 0, worst: [] };
  const progress: RunProgress = {
    total: opts.plan.totals.toSend,
    totalBytes: opts.plan.totals.bytesToSend,
    done: 0,
    doneBytes: 0,
    failed: 0,
    elapsedMs: 0,
  };

  // The run stops on the operator's interrupt, or when its record can no longer be written (a
  // full disk): files sent then would be known to the ledger but to no record.
  const stop = new AbortController();
  const stopNow = () => stop.abort();
  opts.signal?.addEventListener('abort', stopNow, { once: true });
  if (opts.signal?.aborted) stop.abort();
  opts.record.onFailure(stopNow);
  const signal = stop.signal;

  const sendOne = async (object: SourceObject) => {
    if (object.problem !== undefined) return { object, error: object.problem };
    try {
      return { object, result: await opts.publisher.send(object, opts.runId, signal) };
    } catch (error) {
      // Stopped by the interruption: nothing of it went out (a file being ingested is rolled back).
      if (signal.aborted) return { object, stopped: true as const };
      return { object, error: error instanceof Error ? error.message : String(error) };
    }
  };

  let attempted = 0;
  for await (const outcome of mapConcurrent(files, Math.max(1, opts.publisher.concurrency), sendOne, signal)) {
    if ('stopped' in outcome) continue; // not sent: the resume sends it
    attempted++;
    const { object } = outcome;
    const status: FileStatus = 'result' in outcome && outcome.result ? outcome.result.status : 'failed';
    counts[status]++;
    if (status === 'failed') {
      const error = 'error' in outcome && outcome.error !== undefined ? outcome.error : 'unknown error';
      if (failures.length < FAILURES_KEPT) failures.push({ name: object.name, generation: object.generation, error });
      progress.failed++;
      opts.record.append({ type: 'file', name: object.name, generation: object.generation, status, error });
      opts.onEvent?.({ type: 'file', object, status, error });
    } else {
      const result = (outcome as { result: SendResult }).result;
      if (result.status === 'ingested' || result.status === 'staged') countRows(rows, object.name, result);
      opts.record.append({ type: 'file', name: object.name, generation: object.generation, ...lineDetails(result) });
      opts.onEvent?.({ type: 'file', object, status });
    }
    progress.done++;
    progress.doneBytes += object.size;
    progress.elapsedMs = now() - started;
    opts.onEvent?.({ type: 'progress', progress: { ...progress } });
  }

  opts.signal?.removeEventListener('abort', stopNow);
  const interrupted = opts.signal?.aborted ?? false;
  const recordError = opts.record.failure?.message;
  const notSent = opts.plan.totals.toSend - attempted;
  // What was staged lands now, before the end is recorded: a run record never calls staged files ingested.
  const promotionError = await land(opts, counts);
  opts.record.append({
    type: 'end',
    at: new Date().toISOString(),
    interrupted,
    counts,
    notSent,
    ...(promotionError !== undefined ? { promotionError } : {}),
  });
  opts.record.close();
  return {
    runId: opts.runId,
    rows,
    recordPath: opts.record.path,
    counts,
    failures,
    notSent,
    ...(promotionError !== undefined ? { promotionError } : {}),
    ...(recordError !== undefined ? { recordError } : {}),
    interrupted,
    elapsedMs: now() - started,
    bytes: progress.doneBytes,
  };
}

/** Lands the staged files (counted as ingested once they did); returns why not, when they did not. */
async function land(opts: RunOptions, counts: Record<FileStatus, number>): Promise<string | undefined> {
  const settle = opts.publisher.settle?.bind(opts.publisher);
  if (counts.staged === 0 || settle === undefined) return undefined;
  opts.onEvent?.({ type: 'landing', staged: counts.staged });
  try {
    await (opts.settling ?? ((s) => s()))(settle);
  } catch (error) {
    return (error instanceof Error ? error.message : String(error)).split('\n')[0];
  }
  counts.ingested += counts.staged;
  counts.staged = 0;
  return undefined;
}

/** Adds a file's rows; keeps the files with the most rejected lines (a truncated gzip shows here). */
function countRows(rows: RowTotals, name: string, r: { events: number; debug: number }) {
  rows.events += r.events;
  rows.debug += r.debug;
  if (r.debug === 0) return;
  rows.filesWithDebug++;
  rows.worst.push({ name, debug: r.debug, events: r.events });
  rows.worst.sort((a, b) => b.debug - a.debug);
  rows.worst.length = Math.min(rows.worst.length, ROW_EXAMPLES);
}

function lineDetails(result: SendResult) {
  if (result.status === 'published') return { status: result.status, messageId: result.messageId };
  if (result.status === 'ingested' || result.status === 'staged')
    return { status: result.status, events: result.events, debug: result.debug };
  return { status: result.status };
}
