import { setTimeout as sleep } from 'node:timers/promises';
import type { DeadLetters } from '../ports/dead-letters.js';
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
  /** Dead-lettered: Pub/Sub gave up delivering their notification. */
  failed: number;
  elapsedMs: number;
  /** Files landed per second so far, and the seconds left at that rate (undefined until one landed). */
  filesPerSecond: number;
  etaSeconds: number | undefined;
  /** Looks at the warehouse so far (each a fixed number of queries). */
  looks: number;
}

/** `failed`: every file landed or was dead-lettered, some were. */
export type FollowOutcome = 'landed' | 'failed' | 'timed-out' | 'interrupted';

/** A published file whose notification was dead-lettered, and why as far as Pub/Sub says. */
export interface FollowFailure {
  name: string;
  generation: string;
  error: string;
}

export interface FollowOptions {
  warehouse: Warehouse;
  /** The published files: ledger path, generation and `event_ds` (null: none in its name). */
  files: Iterable<{ filePath: string; generation: string; day: string | null }>;
  /** When the run began. */
  startedAt: Date;
  /** The run's dead letters (its topic's dead-letter subscription), with the run's id and how a name becomes a ledger path. */
  deadLetters?: { reader: DeadLetters; runId: string; filePathOf: (name: string) => string };
  intervalMs: number;
  timeoutMs: number;
  signal?: AbortSignal;
  onProgress?: (p: FollowProgress) => void;
  now?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** Rows written this long before the run began still count: the function's clock is not ours. */
const CLOCK_MARGIN_MS = 5 * 60_000;

/** Waits `ms`, or less when `signal` aborts (Node's timer, which takes the signal). */
const pause = (ms: number, signal?: AbortSignal): Promise<void> =>
  sleep(ms, undefined, signal ? { signal } : {}).catch(() => undefined);

/**
 * Follows a published run until every file landed, the timeout passes or the signal aborts: one
 * look per interval (`warehouse.landingSince`: a fixed number of queries whatever the count of
 * files). Holds the keys of the files not landed yet, nothing more.
 */
export async function followLanding(
  opts: FollowOptions,
): Promise<{ outcome: FollowOutcome; progress: FollowProgress; failures: FollowFailure[] }> {
  const look = opts.warehouse.landingSince?.bind(opts.warehouse);
  if (!look) throw new Error('this warehouse cannot be followed');
  const now = opts.now ?? (() => Date.now());
  const wait = opts.sleep ?? pause;
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
  const failures: FollowFailure[] = [];
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
      failed: failures.length,
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
    const dead = opts.deadLetters;
    for (const letter of dead?.reader.take() ?? []) {
      if (letter.runId !== undefined && letter.runId !== dead!.runId) continue; // another run's: left for it
      const key = ledgerKey({ filePath: dead!.filePathOf(letter.name), generation: letter.generation });
      letter.ack();
      if (!open.delete(key)) continue; // landed after all, or dead-lettered twice
      const tries = letter.deliveries !== undefined ? ` after ${letter.deliveries} delivery attempts` : '';
      failures.push({
        name: letter.name,
        generation: letter.generation,
        error: `dead-lettered${tries}: the function failed on it each time (its logs say why)`,
      });
    }
    staged = 0;
    for (const key of seen.staged) if (open.has(key)) staged++;
    const end = (outcome: FollowOutcome) => ({ outcome, progress: progress(), failures });
    opts.onProgress?.(progress());
    if (open.size === 0) return end(failures.length > 0 ? 'failed' : 'landed');
    if (opts.signal?.aborted) return end('interrupted');
    if (now() - started + opts.intervalMs > opts.timeoutMs) return end('timed-out');
    await wait(opts.intervalMs, opts.signal);
    if (opts.signal?.aborted) return end('interrupted');
  }
}
