import { ledgerKey, type Landing, type LandingWindow, type Warehouse } from '../ports/warehouse.js';

/** Where `--follow` stands: every published file is in exactly one of landed, staged, waiting. */
export interface FollowProgress {
  published: number;
  landed: number;
  /** Of `landed`: files whose ledger row counts rejected lines (debug rows). */
  rejecting: number;
  /** Accepted whole into staging, waiting for the next promotion. */
  staged: number;
  waiting: number;
  elapsedMs: number;
  /** Files landed per second so far, and the seconds left at that rate (undefined until one landed). */
  filesPerSecond: number;
  etaSeconds: number | undefined;
  /** Looks at the warehouse so far (each a fixed number of queries). */
  looks: number;
}

export type FollowOutcome = 'landed' | 'timed-out' | 'interrupted';

export interface FollowOptions {
  warehouse: Warehouse;
  /** The published files: ledger path, generation and `event_ds` (null: none in its name). */
  files: Iterable<{ filePath: string; generation: string; day: string | null }>;
  /** When the run began. */
  startedAt: Date;
  intervalMs: number;
  timeoutMs: number;
  signal?: AbortSignal;
  onProgress?: (p: FollowProgress) => void;
  now?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** Rows written this long before the run began still count: the function's clock is not ours. */
const CLOCK_MARGIN_MS = 5 * 60_000;

const pause = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });

/**
 * Follows a published run until every file landed, the timeout passes or the signal aborts: one
 * look per interval (`warehouse.landingSince`: a fixed number of queries whatever the count of
 * files). Holds the keys of the files not landed yet, nothing more.
 */
export async function followLanding(
  opts: FollowOptions,
): Promise<{ outcome: FollowOutcome; progress: FollowProgress }> {
  const look = opts.warehouse.landingSince?.bind(opts.warehouse);
  if (!look) throw new Error('this warehouse cannot be followed');
  const now = opts.now ?? (() => Date.now());
  const sleep = opts.sleep ?? pause;
  const open = new Set<string>();
  let firstDay: string | undefined;
  let lastDay: string | undefined;
  for (const f of opts.files) {
    open.add(ledgerKey(f));
    if (f.day !== null) {
      if (firstDay === undefined || f.day < firstDay) firstDay = f.day;
      if (lastDay === undefined || f.day > lastDay) lastDay = f.day;
    }
  }
  const window: LandingWindow = {
    since: new Date(opts.startedAt.getTime() - CLOCK_MARGIN_MS),
    ...(firstDay !== undefined && lastDay !== undefined ? { firstDay, lastDay } : {}),
  };
  const started = now();
  const published = open.size;
  let landed = 0;
  let rejecting = 0;
  let staged = 0;
  let looks = 0;
  const progress = (): FollowProgress => {
    const elapsedMs = now() - started;
    const filesPerSecond = elapsedMs > 0 ? (landed * 1000) / elapsedMs : 0;
    const waiting = open.size - staged;
    return {
      published,
      landed,
      rejecting,
      staged,
      waiting,
      elapsedMs,
      filesPerSecond,
      etaSeconds: filesPerSecond > 0 ? Math.ceil(open.size / filesPerSecond) : undefined,
      looks,
    };
  };
  for (;;) {
    const seen: Landing = await look(window);
    looks++;
    for (const [key, rejected] of seen.landed) {
      if (!open.delete(key)) continue;
      landed++;
      if (rejected) rejecting++;
    }
    staged = 0;
    for (const key of seen.staged) if (open.has(key)) staged++;
    opts.onProgress?.(progress());
    if (open.size === 0) return { outcome: 'landed', progress: progress() };
    if (opts.signal?.aborted) return { outcome: 'interrupted', progress: progress() };
    if (now() - started + opts.intervalMs > opts.timeoutMs) return { outcome: 'timed-out', progress: progress() };
    await sleep(opts.intervalMs, opts.signal);
    if (opts.signal?.aborted) return { outcome: 'interrupted', progress: progress() };
  }
}
