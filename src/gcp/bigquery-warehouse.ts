import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { BigQuery } from '@google-cloud/bigquery';
import { BugError, UserError } from '../core/errors.js';
import { createPerFileWriter } from '../core/group-writer.js';
import { STAGING_TABLE, validateTableNames, type TableNames } from '../core/table-schemas.js';
import { ledgerKey, type FileKey, type FileWriter, type RowBatch, type Warehouse, type WriteOutcome } from '../ports/warehouse.js';
import { insertStatement, tableSpecs, type TableSpec } from './bigquery-ddl.js';
import { errorCode, errorText } from './bigquery-errors.js';
import { createJobRunner, writeJobStem } from './bigquery-jobs.js';
import { createLedgerLookup } from './bigquery-ledger.js';
import { Cutter, encodeEvent, encodeLog, type Part } from './bigquery-rows.js';
import { ensureSpecs } from './bigquery-tables.js';
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
 * BigQuery as the warehouse. Rows are written with DML query jobs whose ids are derived from the
 * file (bucket, name, generation) and the target tables, so BigQuery itself refuses to run the same
 * write twice; a file that fits one job lands in one multi-statement transaction, ledger row last.
 * See docs/exactly-once.md.
 */
export function createBigQueryWarehouse(opts: BigQueryWarehouseOptions): Warehouse & { usage: BigQueryUsage; promoteNow(): Promise<void> } {
  const bq = opts.bigquery;
  const names = validateTableNames({ ...opts.tables });
  const specs = tableSpecs(names);
  const spec = (kind: Kind): TableSpec => {
    const s = specs.find((x) => x.kind === kind);
    if (!s) throw new BugError(`no table for ${kind}`);
    return s;
  };
  const maxJobBytes = opts.maxJobBytes ?? 6 * 1024 * 1024;
  const maxJobRows = opts.maxJobRows ?? 10_000;
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
        throw new UserError(`no BigQuery project: ${errorText(err)}`, 'Pass --warehouse bigquery:PROJECT or set GOOGLE_CLOUD_PROJECT.');
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
        const [rows] = await bq.query({ query: sql, params, useLegacySql: false, ...(opts.location ? { location: opts.location } : {}) });
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

  const usage: BigQueryUsage = { appends: 0, rowsAppended: 0, bytesAppended: 0, promoter: { promotions: 0, dmlPerTable: {}, queries: 0 }, ledgerQueries: 0, perFileJobs: 0 };
  const countedQuery: typeof query = (sql, params) => {
    usage.ledgerQueries++;
    return query(sql, params);
  };
  const ingested = createLedgerLookup({ bq, names, chunk: opts.ledgerChunk ?? 2000, resolveProject, project, query: countedQuery });
  const { runOnce } = createJobRunner(bq, opts.location);
  const promoter = createPromoter({ bq, runOnce, project, names, specs, prefix: opts.jobPrefix ?? 'abf', location: opts.location, ...(opts.staging?.lookbackHours ? { lookbackHours: opts.staging.lookbackHours } : {}) });
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
      const rows = await countedQuery(stagedSql(project(), names, opts.staging?.lookbackHours ?? DEFAULT_LOOKBACK_HOURS), {
        paths: JSON.stringify([...new Set(chunk.map((f) => f.filePath))]),
      });
      for (const r of rows) {
        const key = ledgerKey({ filePath: String(r.file_path), generation: String(r.file_generation) });
        if (wanted.has(key)) found.add(key);
      }
    }
    return found;
  }
  const jobStem = (file: FileKey, part: string) => writeJobStem(prefix, project(), names, file, part);

  async function writeFile(file: FileKey, batches: AsyncIterable<RowBatch>): Promise<WriteOutcome> {
    ensured ??= ensureTables();
    await ensured;
    if ((await ingested([file])).size > 0) return 'already-ingested';
    usage.perFileJobs++;

    const cut: Record<Kind, Cutter> = {
      events: new Cutter(maxJobBytes, maxJobRows),
      debug: new Cutter(maxJobBytes, maxJobRows),
      logs: new Cutter(maxJobBytes, maxJobRows),
    };
    let stableTotal = 0;
    let rowsTotal = 0;
    let parted = false;
    let wroteAny = false;
    const flushed: Record<Kind, number> = { events: 0, debug: 0, logs: 0 };

    // Parted mode: writes one table's part as its own once-only job.
    const writePart = async (kind: Kind, index: number, part: Part) => {
      const s = spec(kind);
      const r = await runOnce(jobStem(file, `${kind}_p${index}`), insertStatement(project(), s, 'rows'), { rows: `[${part.rows.map((x) => JSON.stringify(x)).join(',')}]` });
      if (r === 'ran') wroteAny = true;
    };
    // Parted mode: writes every completed events/debug part not written yet (memory stays bounded).
    const flushDone = async () => {
      for (const kind of ['events', 'debug'] as const) {
        const c = cut[kind];
        while (flushed[kind] < c.done.length) {
          const i = flushed[kind];
          await writePart(kind, i, c.done[i]!);
          c.done[i] = { rows: [], stable: 0, actual: 0 }; // release the rows
          flushed[kind]++;
        }
      }
    };

    for await (const batch of batches) {
      for (const row of batch.events) stableTotal += cut.events.push(encodeEvent(row));
      for (const row of batch.debug) stableTotal += cut.debug.push(encodeLog(row));
      for (const row of batch.logs) stableTotal += cut.logs.push(encodeLog(row));
      rowsTotal += batch.events.length + batch.debug.length + batch.logs.length;
      // Over one job's budget: cut per table instead (decided by content alone, so a retry agrees).
      if (stableTotal > maxJobBytes || rowsTotal > maxJobRows) parted = true;
      if (parted) await flushDone();
    }

    if (!parted) {
      // The whole file in one job: one transaction over the three tables, the ledger row last.
      const statements: string[] = [];
      const params: Record<string, string> = {};
      for (const kind of ['events', 'debug', 'logs'] as const) {
        const rows = cut[kind].all().flatMap((p) => p.rows);
        if (rows.length === 0) continue;
        statements.push(insertStatement(project(), spec(kind), kind) + ';');
        params[kind] = `[${rows.map((x) => JSON.stringify(x)).join(',')}]`;
      }
      if (statements.length === 0) return 'written';
      // No ledger test inside the job: the check above and the job id together already exclude a
      // second copy (see docs/exactly-once.md), and a test here would scan the logs table again.
      const sql = ['BEGIN TRANSACTION;', ...statements, 'COMMIT TRANSACTION;'].join('\n');
      const r = await runOnce(jobStem(file, 'all'), sql, params);
      return r === 'ran' ? 'written' : 'already-ingested';
    }

    // Parted: the rest of events and debug, then the logs, the part with the ledger row last.
    for (const kind of ['events', 'debug'] as const) {
      const parts = cut[kind].all();
      for (let i = flushed[kind]; i < parts.length; i++) await writePart(kind, i, parts[i]!);
    }
    const logParts = cut.logs.all();
    for (let i = 0; i < logParts.length; i++) await writePart('logs', i, logParts[i]!);
    return wroteAny ? 'written' : 'already-ingested';
  }

  return {
    get url() {
      return `bigquery:${resolvedProject ?? given() ?? '(default project)'}`;
    },
    async ensureTables() {
      ensured = ensureTables();
      await ensured;
    },
    ingested,
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
    const appender = () => (typeof staging.appender === 'function' ? (madeAppender ??= staging.appender(project())) : staging.appender);
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
      if (staging.promote === 'each-window') await promoter.startWindow((staging.now ?? Date.now)()).catch(() => undefined);
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
