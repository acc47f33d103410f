import type { BigQuery } from '@google-cloud/bigquery';
import { BugError, UserError } from '../../core/errors.js';
import { createLimiter } from '../../core/limiter.js';
import { retry } from '../../core/retry.js';
import { validateTableNames, type TableNames } from '../../core/schema/table-schemas.js';
import type { FileKey, FileWriter, Warehouse } from '../../ports/warehouse.js';
import { tableSpecs } from './bigquery-ddl.js';
import { errorCode, errorText } from './bigquery-errors.js';
import { createJobRunner } from './bigquery-jobs.js';
import { createLedgerLookup } from './bigquery-ledger.js';
import { ensureSpecs } from './bigquery-tables.js';
import { createPromoter, DEFAULT_LOOKBACK_HOURS, type PromoterCounts } from './bigquery-promoter.js';
import { createReads } from './bigquery-reads.js';
import { createLandingWatch } from './bigquery-landing.js';
import type { StageLimits } from './bigquery-stage-file.js';
import { ensureStaging, type StagingAppender } from './bigquery-staging.js';
import { openStagingWriter, type AppendUsage } from './bigquery-staging-writer.js';

export interface BigQueryWarehouseOptions {
  bigquery: BigQuery;
  tables: TableNames;
  /** Dataset location for datasets this creates (e.g. `EU`); jobs run there too. */
  location?: string;
  /** Files per ledger query. Default 2,000. */
  ledgerChunk?: number;
  /**
   * Ledger and status queries running at once, across every caller of this warehouse (the plan's
   * listers, `status`, the function's ledger check). Default 4 (BigQuery queues what its dynamic
   * concurrency cannot run: docs/costs.md); 1 against the emulator, which serves one HTTP request
   * at a time and fails one whose body it has not read within 15 s (docs/emulators.md).
   */
  maxConcurrentQueries?: number;
  /** Prefix of the deterministic job ids. Default `abf`. */
  jobPrefix?: string;
  /** How files are staged through the Storage Write API and promoted (docs/exactly-once.md). */
  staging: StagingOptions;
}

/** Queries in flight at once per warehouse when not told otherwise. */
export const DEFAULT_MAX_CONCURRENT_QUERIES = 4;

/**
 * Queries at once against bigquery-emulator: it serves one HTTP request at a time (a mutex around
 * every handler) and fails a request whose body it has not read within 15 s of its arrival
 * (`read tcp …: i/o timeout`), so a second query in flight only waits inside it, on a deadline.
 */
export const EMULATOR_MAX_CONCURRENT_QUERIES = 1;

export interface StagingOptions {
  /** The appender, or how to make one for the project once it is known (from the client or ADC). */
  appender: StagingAppender | ((project: string) => StagingAppender);
  /**
   * `when-closed` (the backfill): a writer promotes once all its files are staged, and its close
   * resolves once they all landed. `each-window` (the function): after each file, the current
   * minute's promotion is started unless it was already; nothing waits for it.
   */
  promote: 'when-closed' | 'each-window';
  lookbackHours?: number;
  limits?: Partial<StageLimits>;
  /** The clock that picks the promotion window (tests fix it). */
  now?: () => number;
  /** Told of each start of a window's promotion (`each-window`): one per window per instance. */
  onWindowStart?: (windowId: string, outcome: 'started' | 'exists') => void;
}

/** What the BigQuery warehouse issued, in the units BigQuery's quotas count. */
export interface BigQueryUsage extends AppendUsage {
  promoter: PromoterCounts;
  /** Ledger queries (each bills at least 10 MB on demand). */
  ledgerQueries: number;
}

/**
 * BigQuery as the warehouse: each file is staged through the Storage Write API and promoted, many
 * files per transaction (the CLI and the function alike). See docs/exactly-once.md.
 */
export function createBigQueryWarehouse(
  opts: BigQueryWarehouseOptions,
): Warehouse & { usage: BigQueryUsage; promoteNow(): Promise<void> } {
  const bq = opts.bigquery;
  const names = validateTableNames({ ...opts.tables });
  const specs = tableSpecs(names);
  const given = (): string | undefined => (bq.projectId && bq.projectId !== '{{projectId}}' ? bq.projectId : undefined);
  let resolvedProject: string | undefined = given();
  let resolving: Promise<void> | undefined;
  // The project, from the client or else from Application Default Credentials, once.
  const resolveProject = (): Promise<void> =>
    (resolving ??= (async () => {
      if (resolvedProject) return;
      try {
        resolvedProject = await bq.getProjectId();
      } catch (err) {
        resolving = undefined;
        throw new UserError(
          `no BigQuery project: ${errorText(err)}`,
          'Pass --warehouse bigquery:PROJECT or set GOOGLE_CLOUD_PROJECT.',
        );
      }
    })());
  const project = (): string => {
    if (!resolvedProject) throw new BugError('BigQuery project used before it was resolved');
    return resolvedProject;
  };
  let ensured: Promise<void> | undefined;
  let madeAppender: StagingAppender | undefined;
  // Datasets and tables, once per warehouse; a failed set-up is forgotten, so the next call tries
  // again (a promote instance whose first call met BigQuery down must not fail every call after).
  const ensuredOnce = async () => {
    ensured ??= ensureTables().catch((error: unknown) => {
      ensured = undefined;
      throw error;
    });
    await ensured;
  };

  async function ensureTables(): Promise<void> {
    await resolveProject();
    await ensureSpecs(bq, specs, opts.location);
    await ensureStaging(bq, project(), names, opts.location);
  }

  // One bound on the queries in flight, whoever asks (issue 23: a bound per caller let 16 listers
  // run 16-20 queries at once).
  const querySlot = createLimiter(opts.maxConcurrentQueries ?? DEFAULT_MAX_CONCURRENT_QUERIES);
  // Runs a query and returns its rows, retrying while a just-created table is not visible yet.
  async function query(sql: string, params: Record<string, unknown>): Promise<Record<string, unknown>[]> {
    const [rows] = await retry(
      () =>
        querySlot.run(() =>
          bq.query({
            query: sql,
            params,
            useLegacySql: false,
            ...(opts.location ? { location: opts.location } : {}),
          }),
        ),
      { attempts: 6, firstDelayMs: 250, again: (err) => errorCode(err) === 404 },
    );
    return rows as Record<string, unknown>[];
  }

  const usage: BigQueryUsage = {
    appends: 0,
    rowsAppended: 0,
    bytesAppended: 0,
    promoter: { promotions: 0, dmlPerTable: {}, queries: 0, windowStarts: 0 },
    ledgerQueries: 0,
  };
  const countedQuery: typeof query = (sql, params) => {
    usage.ledgerQueries++;
    return query(sql, params);
  };
  const ledgerDeps = { bq, names, chunk: opts.ledgerChunk ?? 2000, resolveProject, project, query: countedQuery };
  const lookup = createLedgerLookup(ledgerDeps);
  const ingested = async (files: readonly FileKey[]) => (await lookup(files)).landed;
  const ingestedRejecting = createLedgerLookup(ledgerDeps, true);
  const { runOnce } = createJobRunner(bq, opts.location);
  const promoter = createPromoter({
    bq,
    runOnce,
    project,
    names,
    specs,
    prefix: opts.jobPrefix ?? 'abf',
    location: opts.location,
    ...(opts.staging.lookbackHours ? { lookbackHours: opts.staging.lookbackHours } : {}),
    ...(opts.staging.onWindowStart ? { onWindowStart: opts.staging.onWindowStart } : {}),
  });
  usage.promoter = promoter.counts;

  const reads = createReads({
    bq,
    names,
    resolveProject,
    project,
    query: countedQuery,
    lookbackHours: opts.staging.lookbackHours ?? DEFAULT_LOOKBACK_HOURS,
  });
  return {
    get url() {
      return `bigquery:${resolvedProject ?? given() ?? '(default project)'}`;
    },
    sessionGaps: reads.sessionGaps,
    landed: reads.landed,
    async ensureTables() {
      ensured = undefined;
      await ensuredOnce();
    },
    ingested,
    ingestedRejecting,
    staged: reads.staged,
    landingSince: createLandingWatch({ bq, names, resolveProject, project, query: countedQuery }),
    openWriter: () => stagingWriter(opts.staging),
    usage,
    async promoteNow() {
      await ensuredOnce();
      await promoter.promoteNow();
    },
    async close() {
      const a = opts.staging.appender;
      await (typeof a === 'function' ? madeAppender : a)?.close();
    },
  };

  function stagingWriter(staging: StagingOptions): FileWriter {
    const made = staging.appender;
    return openStagingWriter({
      appender: () => (typeof made === 'function' ? (madeAppender ??= made(project())) : made),
      ensure: ensuredOnce,
      promoter,
      usage,
      promote: staging.promote,
      limits: staging.limits,
      now: staging.now ?? Date.now,
    });
  }
}
