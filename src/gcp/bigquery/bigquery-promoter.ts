import { createHash, randomUUID } from 'node:crypto';
import type { BigQuery } from '@google-cloud/bigquery';
import { TransientError } from '../../core/errors.js';
import type { TableNames } from '../../core/schema/table-schemas.js';
import type { TableSpec } from './bigquery-ddl.js';
import { errorCode, errorText } from './bigquery-errors.js';
import type { RunOnce } from './bigquery-jobs.js';
import { promotionSql, unpromotedSql } from './bigquery-promotion-sql.js';

/** A promotion window: files staged within it are promoted by the window's job (or the next). */
export const WINDOW_MS = 60_000;
/** Staging rows older than this are not read by a promotion (bounds the bytes billed). */
export const DEFAULT_LOOKBACK_HOURS = 48;

/** What the promoter has issued, counted per kind (what BigQuery's quotas count). */
export interface PromoterCounts {
  /** Promotion scripts started (each one query job). */
  promotions: number;
  /** DML statements per table: each promotion runs one per table and one on the lock. */
  dmlPerTable: Record<string, number>;
  /** Other query jobs (the check that a run's files all landed). */
  queries: number;
  /** `jobs.insert` calls for a window's promotion, including those BigQuery refused as started. */
  windowStarts: number;
}

export interface PromoterDeps {
  bq: BigQuery;
  runOnce: RunOnce;
  project: () => string;
  names: TableNames;
  specs: readonly TableSpec[];
  prefix: string;
  location: string | undefined;
  lookbackHours?: number;
  /** Told of each `jobs.insert` of a window's promotion and its outcome (the function logs it). */
  onWindowStart?: (windowId: string, outcome: 'started' | 'exists') => void;
}

/**
 * Runs promotions (bigquery-promotion-sql.ts). `startWindow` is the function's: it starts the
 * current window's job under a job id derived from the tables and the window, so only the first
 * caller in a window starts one and the others find it (BigQuery refuses a second job of the same
 * id), and returns without waiting. `promoteNow` is the backfill's and the scheduler's: a job of
 * its own, waited for, retried when BigQuery cancels it for a concurrent promotion.
 */
export function createPromoter(deps: PromoterDeps) {
  const lookback = deps.lookbackHours ?? DEFAULT_LOOKBACK_HOURS;
  const counts: PromoterCounts = { promotions: 0, dmlPerTable: {}, queries: 0, windowStarts: 0 };
  const tablesHash = () =>
    createHash('sha256')
      .update(JSON.stringify([deps.project(), deps.names]))
      .digest('hex')
      .slice(0, 16);
  const sqlFor = (windowId: string) => promotionSql(deps.project(), deps.names, deps.specs, windowId, lookback);
  const counted = () => {
    counts.promotions++;
    for (const t of [...deps.specs.map((s) => `${s.dataset}.${s.table}`), `${deps.names.logsDataset}.lock`])
      counts.dmlPerTable[t] = (counts.dmlPerTable[t] ?? 0) + 1;
  };

  /** The window's job, under its deterministic id (a second start of it is refused by BigQuery). */
  async function createWindowJob(windowId: string): Promise<'started' | 'exists'> {
    const jobId = `${deps.prefix}_promote_${tablesHash()}_${windowId}`;
    counts.windowStarts++;
    try {
      await deps.bq.createJob({
        jobId,
        ...(deps.location ? { location: deps.location } : {}),
        configuration: { query: { query: sqlFor(windowId), useLegacySql: false } },
      });
    } catch (err) {
      // Taken already (409; the emulator answers 400 "already created"): this window is promoted.
      if (errorCode(err) === 409 || /already (created|exists)/i.test(errorText(err))) {
        deps.onWindowStart?.(windowId, 'exists');
        return 'exists';
      }
      // A job that ran and failed (e.g. cancelled by a concurrent promotion): the next window's takes its files.
      if ((err as { response?: { jobReference?: { jobId?: string } } }).response?.jobReference?.jobId === jobId)
        return 'started';
      throw err;
    }
    counted();
    deps.onWindowStart?.(windowId, 'started');
    return 'started';
  }

  /** This instance's start of the current window (under way or done): its later files ask BigQuery nothing. */
  let known: { windowId: string; started: Promise<'started' | 'exists'> } | undefined;

  return {
    counts,
    /**
     * Starts this window's promotion unless it was started already; never waits for it. One start
     * per window per instance: the files after the first in a minute send nothing (each call was a
     * full `jobs.insert` of the script, refused as a duplicate id).
     */
    startWindow(now = Date.now()): Promise<'started' | 'exists'> {
      const windowId = `w${Math.floor(now / WINDOW_MS)}`;
      if (known?.windowId === windowId) return known.started.then(() => 'exists' as const);
      const started = createWindowJob(windowId);
      known = { windowId, started };
      // A start that failed (BigQuery unreachable) is tried again by the window's next file.
      started.catch(() => {
        if (known?.started === started) known = undefined;
      });
      return started;
    },
    /** Promotes what is staged now and waits for it (retried on conflict by the job runner). */
    async promoteNow(): Promise<void> {
      const windowId = `now_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
      counted();
      await deps.runOnce(`${deps.prefix}_promote_${tablesHash()}_${windowId}`, sqlFor(windowId), {});
    },
    /** How many of a run's staged files are not promoted yet (0 once they all landed). */
    async unpromoted(runId: string): Promise<number> {
      counts.queries++;
      const [rows] = await deps.bq.query({
        query: unpromotedSql(deps.project(), deps.names, runId, lookback),
        useLegacySql: false,
        ...(deps.location ? { location: deps.location } : {}),
      });
      return Number((rows[0] as { n: unknown } | undefined)?.n ?? 0);
    },
    /** Promotes until every file of the run landed, a few rounds at most. */
    async promoteRun(runId: string): Promise<void> {
      for (let round = 1; round <= 3; round++) {
        await this.promoteNow();
        const left = await this.unpromoted(runId);
        if (left === 0) return;
        if (round === 3)
          throw new TransientError(
            `${left} staged files did not land in the promotion; run the backfill again (nothing is written twice)`,
          );
      }
    },
  };
}

export type Promoter = ReturnType<typeof createPromoter>;
