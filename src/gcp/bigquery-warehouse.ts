import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { BigQuery } from '@google-cloud/bigquery';
import { BugError, UserError } from '../core/errors.js';
import { createPerFileWriter } from '../ports/group-writer.js';
import { STAGING_TABLE, validateTableNames, type TableNames } from '../core/table-schemas.js';
import {
  ledgerKey,
  type FileKey,
  type FileWriter,
  type GapQuery,
  type GapRow,
  type Landed,
  type Warehouse,
} from '../ports/warehouse.js';
import { qualified, tableSpecs, type TableSpec } from './bigquery-ddl.js';
import { errorCode, errorText } from './bigquery-errors.js';
import { createJobRunner } from './bigquery-jobs.js';
import { createLedgerLookup } from './bigquery-ledger.js';
import { ensureSpecs } from './bigquery-tables.js';
import { createDmlFileWrite } from './bigquery-dml-write.js';
import { createPromoter, DEFAULT_LOOKBACK_HOURS, type PromoterCounts } from './bigquery-promoter.js';
import { stagedSql } from './bigquery-promotion-sql.js';
import { stageFile, type StageLimits } from './bigquery-stage-file.js';
import { ensureStaging, type StagingAppender } from './bigquery-staging.js';

export { writeJobStem } from './bigquery-jobs.js';

export interface BigQueryWarehouseOptions {
  bigquery: BigQuery;
  tables: TableNames;
  /** Dataset location for datasets this creates (e.g. `EU`); jobs run there too. */
  location?: string;
  /**
   * Size budget of one write job's rows, measured as they travel (JSON in a query parameter).
   * A file within it lands in one atomic job; a larger one in several. Keep it fixed: it decides
   * how a file is cut, and a retry must cut it the same way. Default 6 MiB (requests ≤ 10 MB).
   */
  maxJobBytes?: number;
  /** Rows of one write job at most. Default 10,000. */
  maxJobRows?: number;
  /** Files per ledger query. Default 2,000. */
  ledgerChunk?: number;
  /** Prefix of the deterministic job ids. Default `abf`. */
  jobPrefix?: string;
  /**
   * Stage through the Storage Write API and promote (docs/exactly-once.md). Without it, each file
   * is its own DML transaction: limited by BigQuery to a few files per second, kept for tests of
   * that path only.
   */
  staging?: StagingOptions;
}

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
}

/** What the BigQuery warehouse issued, in the units BigQuery's quotas count. */
export interface BigQueryUsage {
  appends: number;
  rowsAppended: number;
  bytesAppended: number;
  promoter: PromoterCounts;
  /** Ledger queries (each bills at least 10 MB on demand). */
  ledgerQueries: number;
  /** Per-file DML transactions (the path without staging). */
  perFileJobs: number;
}

type Kind = TableSpec['kind'];

/**
 * BigQuery as the warehouse. With `staging` (the CLI and the function), each file is staged through
 * the Storage Write API and promoted, many files per transaction; without it, each file is its own
 * DML transaction (bigquery-dml-write.ts). See docs/exactly-once.md.
 */
export function createBigQueryWarehouse(
  opts: BigQueryWarehouseOptions,
): Warehouse & { usage: BigQueryUsage; promoteNow(): Promise<void> } {
  const bq = opts.bigquery;
  const names = validateTableNames({ ...opts.tables });
  const specs = tableSpecs(names);
  const spec = (kind: Kind): TableSpec => {
    const s = specs.find((x) => x.kind === kind);
    if (!s) throw new BugError(`no table for ${kind}`);
    return s;
  };
  const prefix = opts.jobPrefix ?? 'abf';
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

  async function ensureTables(): Promise<void> {
    await resolveProject();
    await ensureSpecs(bq, specs, opts.location);
    if (opts.staging) await ensureStaging(bq, project(), names, opts.location);
  }

  // Runs a query and returns its rows, retrying while a just-created table is not visible yet.
  async function query(sql: string, params: Record<string, unknown>): Promise<Record<string, unknown>[]> {
    for (let attempt = 0; ; attempt++) {
      try {
        const [rows] = await bq.query({
          query: sql,
          params,
          useLegacySql: false,
          ...(opts.location ? { location: opts.location } : {}),
        });
        return rows as Record<string, unknown>[];
      } catch (err) {
        if (errorCode(err) === 404 && attempt < 5) {
          await sleep(250 * 2 ** attempt);
          continue;
        }
        throw err;
      }
    }
  }

  const usage: BigQueryUsage = {
    appends: 0,
    rowsAppended: 0,
    bytesAppended: 0,
    promoter: { promotions: 0, dmlPerTable: {}, queries: 0 },
    ledgerQueries: 0,
    perFileJobs: 0,
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
    ...(opts.staging?.lookbackHours ? { lookbackHours: opts.staging.lookbackHours } : {}),
  });
  usage.promoter = promoter.counts;

  /** Files with a complete attempt in staging (recent ones: the promotions' lookback). */
  async function staged(files: readonly FileKey[]): Promise<Set<string>> {
    const found = new Set<string>();
    if (files.length === 0) return found;
    await resolveProject();
    const [exists] = await bq.dataset(names.logsDataset).table(STAGING_TABLE).exists();
    if (!exists) return found;
    const wanted = new Set(files.map(ledgerKey));
    for (let i = 0; i < files.length; i += 2000) {
      const chunk = files.slice(i, i + 2000);
      const rows = await countedQuery(
        stagedSql(project(), names, opts.staging?.lookbackHours ?? DEFAULT_LOOKBACK_HOURS),
        {
          paths: JSON.stringify([...new Set(chunk.map((f) => f.filePath))]),
        },
      );
      for (const r of rows) {
        const key = ledgerKey({ filePath: String(r.file_path), generation: String(r.file_generation) });
        if (wanted.has(key)) found.add(key);
      }
    }
    return found;
  }

  const writeFile = createDmlFileWrite({
    project,
    names,
    spec,
    runOnce,
    jobPrefix: prefix,
    maxJobBytes: opts.maxJobBytes ?? 6 * 1024 * 1024,
    maxJobRows: opts.maxJobRows ?? 10_000,
    before: async (file: FileKey) => {
      ensured ??= ensureTables();
      await ensured;
      if ((await ingested([file])).size > 0) return 'already-ingested';
      usage.perFileJobs++;
      return undefined;
    },
  });

  /** Gaps in `event_index` within sessions of landed events, per partition of each gap's midpoint (GapRow). */
  async function sessionGaps(q: GapQuery): Promise<GapRow[]> {
    await resolveProject();
    const [exists] = await bq.dataset(names.eventsDataset).table(names.eventsTable).exists();
    if (!exists) return [];
    const rows = await countedQuery(sessionGapSql(qualified(project(), names.eventsDataset, names.eventsTable)), {
      envs: [...q.environments],
      from: bq.int(String(BigInt(q.firstDay) * BigInt(DAY_US))),
      to: bq.int(String(BigInt(q.lastDay + 1) * BigInt(DAY_US))),
    });
    return rows.map((r) => ({
      environment: String(r.env),
      day: Number(r.day),
      bucket: Number(r.bucket),
      gaps: Number(r.gaps),
      missing: Number(r.missing),
      sessions: Number(r.sessions),
    }));
  }

  /** What landed of `files` (reconciliation): three grouped queries; the events one scans `batch_id`. */
  async function landed(files: readonly (FileKey & { batchId: string })[]): Promise<Landed> {
    const out: Landed = { ledger: new Map(), debug: new Map(), events: new Map() };
    await resolveProject();
    const [exists] = await bq.dataset(names.logsDataset).table(names.logsTable).exists();
    if (!exists || files.length === 0) return out;
    const p = project();
    const paths = JSON.stringify([...new Set(files.map((f) => f.filePath))]);
    const batches = JSON.stringify([...new Set(files.map((f) => f.batchId))]);
    const key = (r: Record<string, unknown>) =>
      ledgerKey({ filePath: String(r.file_path), generation: String(r.file_generation) });
    const inList = (column: string, param: string) => `${column} IN UNNEST(JSON_VALUE_ARRAY(@${param}))`;
    for (const r of await countedQuery(
      `SELECT file_path, file_generation, ANY_VALUE(event) AS event FROM ${qualified(p, names.logsDataset, names.logsTable)} ` +
        `WHERE STARTS_WITH(event, 'ingested') AND ${inList('file_path', 'paths')} GROUP BY file_path, file_generation`,
      { paths },
    ))
      out.ledger.set(key(r), String(r.event));
    for (const r of await countedQuery(
      `SELECT file_path, file_generation, COUNT(*) AS n FROM ${qualified(p, names.logsDataset, names.debugTable)} ` +
        `WHERE ${inList('file_path', 'paths')} GROUP BY file_path, file_generation`,
      { paths },
    ))
      out.debug.set(key(r), Number(r.n));
    for (const r of await countedQuery(
      `SELECT batch_id, COUNT(*) AS n FROM ${qualified(p, names.eventsDataset, names.eventsTable)} ` +
        `WHERE ${inList('batch_id', 'batches')} GROUP BY batch_id`,
      { batches },
    ))
      out.events.set(String(r.batch_id), Number(r.n));
    return out;
  }

  return {
    get url() {
      return `bigquery:${resolvedProject ?? given() ?? '(default project)'}`;
    },
    sessionGaps,
    landed,
    async ensureTables() {
      ensured = ensureTables();
      await ensured;
    },
    ingested,
    ingestedRejecting,
    ...(opts.staging ? { staged } : {}),
    openWriter: () => (opts.staging ? openStagingWriter(opts.staging) : createPerFileWriter(writeFile)),
    usage,
    async promoteNow() {
      ensured ??= ensureTables();
      await ensured;
      await promoter.promoteNow();
    },
    async close() {
      const a = opts.staging?.appender;
      await (typeof a === 'function' ? madeAppender : a)?.close();
    },
  };

  /**
   * Each file staged as one attempt (no ledger query, no DML); `write` resolves once the attempt is
   * staged whole. Promotion as `staging.promote` says.
   */
  function openStagingWriter(staging: StagingOptions): FileWriter {
    const appender = () =>
      typeof staging.appender === 'function' ? (madeAppender ??= staging.appender(project())) : staging.appender;
    const runId = `r${Date.now().toString(36)}${randomUUID().replace(/-/g, '').slice(0, 10)}`;
    let attempts = 0;
    const counting: StagingAppender = {
      append: async (rows) => {
        await appender().append(rows);
        usage.appends++;
        usage.rowsAppended += rows.length;
        usage.bytesAppended += rows.reduce((n, r) => n + (r.payload?.length ?? 0) + r.file_path.length + 96, 0);
      },
      close: async () => undefined, // the warehouse's close closes it
    };
    const files = createPerFileWriter(async (file, batches) => {
      ensured ??= ensureTables();
      await ensured;
      await stageFile(counting, file, `${runId}-${++attempts}`, batches, staging.limits);
      // The file is staged whole: a window whose job cannot start now is promoted by the next one
      // (or by the scheduled promotion), so that failure must not fail the file.
      if (staging.promote === 'each-window')
        await promoter.startWindow((staging.now ?? Date.now)()).catch(() => undefined);
      return 'staged';
    });
    return {
      write: (file, batches) => files.write(file, batches),
      async close() {
        await files.close();
        if (staging.promote === 'when-closed' && attempts > 0) await promoter.promoteRun(runId);
      },
    };
  }
}

const DAY_US = 86_400_000_000;

/** GoogleSQL for `sessionGaps`: the event timestamp bounds prune the events table's day partitions. */
function sessionGapSql(events: string): string {
  const w = 'OVER (PARTITION BY analytics_environment, session_id ORDER BY event_index)';
  return `
    WITH e AS (
      SELECT analytics_environment AS env, session_id, event_index, UNIX_MICROS(event_timestamp) AS us,
        LAG(event_index) ${w} AS prev_index, LAG(UNIX_MICROS(event_timestamp)) ${w} AS prev_us
      FROM ${events}
      WHERE session_id IS NOT NULL AND event_index IS NOT NULL
        AND event_timestamp >= TIMESTAMP_MICROS(@from) AND event_timestamp < TIMESTAMP_MICROS(@to)
        AND analytics_environment IN UNNEST(@envs)
    ), g AS (
      SELECT env, session_id, CAST(event_index AS NUMERIC) - CAST(prev_index AS NUMERIC) - 1 AS missing,
        prev_us + DIV(us - prev_us, 2) AS mid
      FROM e WHERE prev_index IS NOT NULL AND CAST(event_index AS NUMERIC) - CAST(prev_index AS NUMERIC) > 1
    )
    SELECT env, DIV(mid, ${DAY_US}) AS day, DIV(MOD(mid, ${DAY_US}), 28800000000) AS bucket,
      COUNT(*) AS gaps, SUM(missing) AS missing, COUNT(DISTINCT session_id) AS sessions
    FROM g GROUP BY env, day, bucket ORDER BY env, day, bucket`;
}
