import { createHash, randomUUID } from 'node:crypto';
import type { BigQuery, Job, JobMetadata, TableField } from '@google-cloud/bigquery';
import { BugError, PermanentFileError, TransientError, UserError } from '../core/errors.js';
import { eventDsOf } from '../core/file-context.js';
import { parseObjectName } from '../core/partition-layout.js';
import { microsToIso, type EventRow, type LogRow } from '../core/rows.js';
import { validateTableNames, type TableNames } from '../core/table-schemas.js';
import { INGESTED_EVENT, ledgerKey, type FileKey, type RowBatch, type Warehouse, type WriteOutcome } from '../ports/warehouse.js';
import { field, insertStatement, qualified, tableMetadata, tableSpecs, type TableSpec } from './bigquery-ddl.js';

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
}

type Kind = TableSpec['kind'];
type JsonRow = Record<string, string | null>;

/** Columns whose value changes between two attempts at the same file: left out of size budgets. */
const VOLATILE = new Set(['job_name', 'inserted_timestamp', 'processed_timestamp']);
/** A job's hard size ceiling (BigQuery rejects requests over 10 MB). */
const HARD_LIMIT = 9_500_000;

function jsonValue(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  return typeof v === 'string' ? v : String(v);
}

function encodeEvent(row: EventRow): JsonRow {
  return {
    analytics_environment: row.analytics_environment,
    batch_id: row.batch_id,
    event_id: row.event_id,
    event_index: jsonValue(row.event_index),
    event_source: row.event_source,
    event_class: row.event_class,
    event_type: row.event_type,
    session_id: row.session_id,
    build_version: row.build_version,
    event_environment: row.event_environment,
    event_timestamp: row.event_timestamp === null ? null : microsToIso(row.event_timestamp),
    received_timestamp: row.received_timestamp === null ? null : microsToIso(row.received_timestamp),
    inserted_timestamp: row.inserted_timestamp === null ? null : microsToIso(row.inserted_timestamp),
    job_name: row.job_name,
    event_attributes: row.event_attributes,
  };
}

function encodeLog(row: LogRow): JsonRow {
  return {
    job_name: row.job_name,
    processed_timestamp: row.processed_timestamp === null ? null : microsToIso(row.processed_timestamp),
    batch_id: row.batch_id,
    analytics_environment: row.analytics_environment,
    event_category: row.event_category,
    event_time: row.event_time,
    event_ds: row.event_ds,
    event: row.event,
    file_path: row.file_path,
    file_generation: row.file_generation,
  };
}

/** The bytes a row costs in a request (JSON inside a JSON string), and the part of it that never varies. */
function sizes(row: JsonRow): { actual: number; stable: number } {
  const actual = JSON.stringify(JSON.stringify(row)).length - 1;
  const stableRow: JsonRow = {};
  for (const [k, v] of Object.entries(row)) if (!VOLATILE.has(k)) stableRow[k] = v;
  return { actual, stable: JSON.stringify(JSON.stringify(stableRow)).length - 1 };
}

interface Part {
  rows: JsonRow[];
  stable: number;
  actual: number;
}

/**
 * Cuts one table's row sequence into parts greedily by stable size and row count, so that the
 * same file always yields the same parts, whoever writes it and whenever.
 */
class Cutter {
  readonly done: Part[] = [];
  current: Part = { rows: [], stable: 0, actual: 0 };
  constructor(
    private readonly maxBytes: number,
    private readonly maxRows: number,
  ) {}
  /** Adds a row; returns its stable size. */
  push(row: JsonRow): number {
    const s = sizes(row);
    if (s.actual > HARD_LIMIT) throw new PermanentFileError(`a row of ${s.actual} bytes exceeds what one BigQuery request can carry`);
    const c = this.current;
    if (c.rows.length > 0 && (c.stable + s.stable > this.maxBytes || c.rows.length >= this.maxRows)) {
      this.done.push(c);
      this.current = { rows: [], stable: 0, actual: 0 };
    }
    this.current.rows.push(row);
    this.current.stable += s.stable;
    this.current.actual += s.actual;
    return s.stable;
  }
  /** Every part, the unfinished one last. */
  all(): Part[] {
    return this.current.rows.length > 0 ? [...this.done, this.current] : [...this.done];
  }
}

/** The object name inside a file path (`gs://b/data_type=…` or `/abs/folder/data_type=…`). */
function layoutName(filePath: string): string {
  const i = filePath.indexOf('data_type=');
  return i >= 0 ? filePath.slice(i) : filePath;
}

function errorCode(err: unknown): number | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? code : undefined;
}

/** 409, or the emulator's 4xx/5xx saying the same in words. */
function alreadyExists(err: unknown): boolean {
  return errorCode(err) === 409 || /already (exists|created)/i.test(errorText(err));
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * The job id stem of one write (`part`: `all`, or `events_p0`, …) of one file into these tables: the
 * same for every writer, the backfill and the function alike. Attempt `n` runs as `<stem>_a<n>`.
 */
export function writeJobStem(prefix: string, project: string, names: TableNames, file: FileKey, part: string): string {
  const tables = [names.eventsDataset, names.eventsTable, names.logsDataset, names.logsTable, names.debugTable];
  const h = createHash('sha256').update(JSON.stringify([project, tables, file.filePath, file.generation])).digest('hex').slice(0, 40);
  return `${prefix}_${h}_${part}`;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * BigQuery as the warehouse. Rows are written with DML query jobs whose ids are derived from the
 * file (bucket, name, generation) and the target tables, so BigQuery itself refuses to run the same
 * write twice; a file that fits one job lands in one multi-statement transaction, ledger row last.
 * See docs/exactly-once.md.
 */
export function createBigQueryWarehouse(opts: BigQueryWarehouseOptions): Warehouse {
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
  const ledgerChunk = opts.ledgerChunk ?? 2000;
  const prefix = opts.jobPrefix ?? 'abf';
  const given = (): string | undefined => (bq.projectId && bq.projectId !== '{{projectId}}' ? bq.projectId : undefined);
  let resolvedProject: string | undefined = given();
  let resolving: Promise<void> | undefined;
  /** The project, from the client or else from Application Default Credentials, once. */
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
  let logsTableSeen = false;
  const logsTable = () => qualified(project(), names.logsDataset, names.logsTable);
  let ensured: Promise<void> | undefined;

  async function ensureDataset(id: string): Promise<void> {
    const ds = bq.dataset(id);
    const [exists] = await ds.exists();
    if (exists) return;
    try {
      await bq.createDataset(id, opts.location ? { location: opts.location } : {});
    } catch (err) {
      if (!alreadyExists(err)) throw err; // another writer created it meanwhile
    }
  }

  async function ensureTable(s: TableSpec): Promise<void> {
    const table = bq.dataset(s.dataset).table(s.table);
    const [exists] = await table.exists();
    if (!exists) {
      try {
        await bq.dataset(s.dataset).createTable(s.table, tableMetadata(s));
        return;
      } catch (err) {
        if (!alreadyExists(err)) throw err; // another writer created it meanwhile
      }
    }
    // An existing table (perhaps the replaced pipeline's): check types, add missing NULLABLE columns.
    const [md] = await table.getMetadata();
    const fields: TableField[] = md.schema?.fields ?? [];
    const byName = new Map(fields.map((f) => [String(f.name).toLowerCase(), f]));
    const missing = [];
    for (const c of s.columns) {
      const have = byName.get(c.name.toLowerCase());
      if (!have) missing.push(field(c));
      else {
        const t = String(have.type).toUpperCase();
        const same = t === c.type || (c.type === 'INTEGER' && t === 'INT64');
        if (!same) {
          throw new UserError(
            `table ${s.dataset}.${s.table}: column ${c.name} is ${t}, expected ${c.type}`,
            'Point --warehouse at tables with the pipeline schema, or choose other table names.',
          );
        }
      }
    }
    if (missing.length === 0) return;
    await table.setMetadata({ schema: { fields: [...fields, ...missing] } });
  }

  async function ensureTables(): Promise<void> {
    await resolveProject();
    for (const ds of new Set(specs.map((s) => s.dataset))) await ensureDataset(ds);
    for (const s of specs) await ensureTable(s);
  }

  /** Runs a query and returns its rows, retrying while a just-created table is not visible yet. */
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

  async function ingested(files: readonly FileKey[]): Promise<Set<string>> {
    const found = new Set<string>();
    if (files.length === 0) return found;
    await resolveProject();
    // No logs table yet (a preview against a fresh project): nothing has landed.
    if (!logsTableSeen) {
      [logsTableSeen] = await bq.dataset(names.logsDataset).table(names.logsTable).exists();
      if (!logsTableSeen) return found;
    }
    const wanted = new Set(files.map(ledgerKey));
    const chunks: FileKey[][] = [];
    for (let i = 0; i < files.length; i += ledgerChunk) chunks.push(files.slice(i, i + ledgerChunk));
    // A few chunks at a time: a plan of 100,000 files is 50 queries.
    let nextChunk = 0;
    const worker = async () => {
      while (nextChunk < chunks.length) await lookup(chunks[nextChunk++]!);
    };
    await Promise.all(Array.from({ length: Math.min(4, chunks.length) }, worker));
    return found;

    async function lookup(chunk: FileKey[]): Promise<void> {
      const days = new Set<string>();
      let anyNullDay = false;
      for (const f of chunk) {
        const ds = eventDsOf(parseObjectName(layoutName(f.filePath)).ds);
        if (ds === null) anyNullDay = true;
        else days.add(ds);
      }
      // The partition filter lets BigQuery read only the days these files belong to.
      const sorted = [...days].sort();
      const dayFilter = [
        ...(sorted.length > 0 ? ['event_ds BETWEEN CAST(@first_day AS DATE) AND CAST(@last_day AS DATE)'] : []),
        ...(anyNullDay ? ['event_ds IS NULL'] : []),
      ].join(' OR ');
      const sql =
        `SELECT DISTINCT file_path, file_generation FROM ${logsTable()} ` +
        `WHERE STARTS_WITH(event, @mark) AND file_path IN UNNEST(JSON_VALUE_ARRAY(@paths)) AND (${dayFilter})`;
      const rows = await query(sql, {
        mark: INGESTED_EVENT,
        paths: JSON.stringify([...new Set(chunk.map((f) => f.filePath))]),
        ...(sorted.length > 0 ? { first_day: sorted[0], last_day: sorted[sorted.length - 1] } : {}),
      });
      for (const r of rows) {
        const key = ledgerKey({ filePath: String(r.file_path), generation: String(r.file_generation) });
        if (wanted.has(key)) found.add(key);
      }
    }
  }

  const jobStem = (file: FileKey, part: string) => writeJobStem(prefix, project(), names, file, part);

  async function waitDone(job: Job): Promise<JobMetadata> {
    for (let delay = 100; ; delay = Math.min(delay * 2, 2000)) {
      const [md] = await job.getMetadata();
      if (md.status?.state === 'DONE') return md;
      await sleep(delay);
    }
  }

  async function getJob(id: string): Promise<JobMetadata | undefined> {
    const job = bq.job(id, opts.location ? { location: opts.location } : {});
    let md: JobMetadata;
    try {
      [md] = await job.getMetadata();
    } catch (err) {
      if (errorCode(err) === 404) return undefined;
      throw err;
    }
    if (md.status?.state !== 'DONE') md = await waitDone(job);
    if (md.status?.errorResult) return md;
    // A second opinion on success: the job's results fail when the job did. (The emulator's
    // jobs.get reports every job as succeeded; BigQuery's results call agrees with its jobs.get.)
    try {
      await job.getQueryResults({ maxResults: 0, autoPaginate: false });
    } catch (err) {
      if (errorCode(err) === 404) return md;
      const first = (err as { errors?: { reason?: string; message?: string }[] }).errors?.[0];
      return { ...md, status: { ...md.status, state: 'DONE', errorResult: { reason: first?.reason ?? 'failed', message: first?.message ?? errorText(err) } } };
    }
    return md;
  }

  /**
   * Runs one write at most once, ever: the job ids `<stem>_a1`, `_a2`, … are tried in order;
   * an id that exists and succeeded means the write is done (by us or by someone else), one that
   * exists and failed (which rolled back) moves on to the next attempt id. Resolves with whether
   * this call's job did the write.
   */
  async function runOnce(stem: string, sql: string, params: Record<string, string>): Promise<'ran' | 'done-before'> {
    const nonce = randomUUID().replace(/-/g, '').slice(0, 24);
    const queryParameters = Object.entries(params).map(([name, value]) => ({
      name,
      parameterType: { type: 'STRING' },
      parameterValue: { value },
    }));
    let failures = 0;
    let lastError = '';
    for (let attempt = 1; attempt <= 200; attempt++) {
      const id = `${stem}_a${attempt}`;
      // Create first (the usual case: the id is new); look the id up only when that fails.
      let md: JobMetadata | undefined;
      try {
        const [job] = await bq.createJob({
          jobId: id,
          ...(opts.location ? { location: opts.location } : {}),
          configuration: {
            labels: { abf_writer: nonce },
            query: { query: sql, useLegacySql: false, parameterMode: 'NAMED', queryParameters },
          },
        });
        md = job.metadata?.status?.state === 'DONE' ? (job.metadata as JobMetadata) : await waitDone(job);
      } catch (insertError) {
        // Created but failed (the client throws on a finished job's errors), taken already (409;
        // the emulator says 400 "already created"), or never created.
        const resp = (insertError as { response?: JobMetadata }).response;
        md = resp?.jobReference?.jobId === id && resp.status?.state === 'DONE' && resp.status.errorResult ? resp : await getJob(id);
        if (md === undefined) {
          // The insert did not create the job (network, quota, 5xx): same id again, after a pause.
          if (++failures > 6) throw new TransientError(`BigQuery job ${id} could not be created: ${errorText(insertError)}`);
          await sleep(500 * 2 ** failures);
          attempt--;
          continue;
        }
      }
      const error = md.status?.errorResult;
      if (!error) return md.configuration?.labels?.abf_writer === nonce ? 'ran' : 'done-before';
      lastError = `${error.reason ?? ''}: ${error.message ?? ''}`;
      if (md.configuration?.labels?.abf_writer === nonce) {
        // Our own attempt failed and rolled back. A few more tries for conflicts and hiccups.
        if (++failures > 3 || error.reason === 'invalidQuery' || error.reason === 'invalid') {
          throw new TransientError(`BigQuery write ${id} failed: ${lastError}`);
        }
        await sleep(500 * 2 ** failures);
      }
    }
    throw new TransientError(`BigQuery write ${stem}: too many failed attempts (last: ${lastError})`);
  }

  async function writeFile(file: FileKey, batches: AsyncIterable<RowBatch>): Promise<WriteOutcome> {
    ensured ??= ensureTables();
    await ensured;
    if ((await ingested([file])).size > 0) return 'already-ingested';

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

    /** Parted mode: writes one table's part as its own once-only job. */
    const writePart = async (kind: Kind, index: number, part: Part) => {
      const s = spec(kind);
      const r = await runOnce(jobStem(file, `${kind}_p${index}`), insertStatement(project(), s, 'rows'), { rows: `[${part.rows.map((x) => JSON.stringify(x)).join(',')}]` });
      if (r === 'ran') wroteAny = true;
    };
    /** Parted mode: writes every completed events/debug part not written yet (memory stays bounded). */
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
    writeFile,
    async close() {},
  };
}
