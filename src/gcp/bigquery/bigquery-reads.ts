import { batchIdOf, lastTwoSegments } from '../../core/parse/file-context.js';
import { STAGING_TABLE } from '../../core/schema/table-schemas.js';
import {
  gapWindowMicros,
  INGESTED_EVENT,
  ledgerKey,
  type FileKey,
  type GapQuery,
  type GapRow,
  type Landed,
} from '../../ports/warehouse.js';
import { qualified } from './bigquery-ddl.js';
import type { LedgerDeps } from './bigquery-ledger.js';
import { stagedSql } from './bigquery-promotion-sql.js';

/** A day in microseconds, for the SQL's day and bucket of a gap. */
const DAY_US = 86_400_000_000;

/** Files per staging query. */
const STAGED_PER_QUERY = 2000;

/**
 * The BigQuery warehouse's read-side questions besides the ledger (bigquery-ledger.ts): what is
 * staged, what landed (reconciliation), and the session gaps of landed events. Each query goes
 * through `deps.query`, which counts it.
 */
export function createReads(deps: Omit<LedgerDeps, 'chunk'> & { lookbackHours: number }) {
  const { bq, names, project, resolveProject, query } = deps;

  /** Files with a complete attempt in staging (recent ones: the promotions' lookback). */
  async function staged(files: readonly FileKey[]): Promise<Set<string>> {
    const found = new Set<string>();
    if (files.length === 0) return found;
    await resolveProject();
    const [exists] = await bq.dataset(names.logsDataset).table(STAGING_TABLE).exists();
    if (!exists) return found;
    const wanted = new Set(files.map(ledgerKey));
    for (let i = 0; i < files.length; i += STAGED_PER_QUERY) {
      const chunk = files.slice(i, i + STAGED_PER_QUERY);
      const rows = await query(stagedSql(project(), names, deps.lookbackHours), {
        paths: JSON.stringify([...new Set(chunk.map((f) => f.filePath))]),
      });
      for (const r of rows) {
        const key = ledgerKey({ filePath: String(r.file_path), generation: String(r.file_generation) });
        if (wanted.has(key)) found.add(key);
      }
    }
    return found;
  }

  /** Gaps in `event_index` within sessions of landed events, per partition of each gap's midpoint (GapRow). */
  async function sessionGaps(q: GapQuery): Promise<GapRow[]> {
    await resolveProject();
    const [exists] = await bq.dataset(names.eventsDataset).table(names.eventsTable).exists();
    if (!exists) return [];
    const [from, to] = gapWindowMicros(q);
    const rows = await query(sessionGapSql(qualified(project(), names.eventsDataset, names.eventsTable)), {
      envs: [...q.environments],
      from: bq.int(String(from)),
      to: bq.int(String(to)),
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
    for (const r of await query(
      `SELECT file_path, file_generation, ANY_VALUE(event) AS event FROM ${qualified(p, names.logsDataset, names.logsTable)} ` +
        `WHERE STARTS_WITH(event, @mark) AND ${inList('file_path', 'paths')} GROUP BY file_path, file_generation`,
      { paths, mark: INGESTED_EVENT },
    ))
      out.ledger.set(key(r), String(r.event));
    for (const r of await query(
      `SELECT file_path, file_generation, COUNT(*) AS n FROM ${qualified(p, names.logsDataset, names.debugTable)} ` +
        `WHERE ${inList('file_path', 'paths')} GROUP BY file_path, file_generation`,
      { paths },
    ))
      out.debug.set(key(r), Number(r.n));
    for (const r of await query(
      `SELECT batch_id, COUNT(*) AS n FROM ${qualified(p, names.eventsDataset, names.eventsTable)} ` +
        `WHERE ${inList('batch_id', 'batches')} GROUP BY batch_id`,
      { batches },
    ))
      out.events.set(String(r.batch_id), Number(r.n));
    // Every ledger row whose path ends in the same last two segments: the files sharing a batch id.
    const tails = JSON.stringify([...new Set(files.map((f) => lastTwoSegments(f.filePath)))]);
    const tail = "REGEXP_EXTRACT(file_path, r'[^/]*/[^/]*$')";
    out.batchParsed = new Map();
    for (const r of await query(
      `SELECT tail, SUM(parsed) AS n FROM (SELECT ${tail} AS tail, ` +
        "ANY_VALUE(SAFE_CAST(REGEXP_EXTRACT(event, r'^ingested: (\\d+) events') AS INT64)) AS parsed " +
        `FROM ${qualified(p, names.logsDataset, names.logsTable)} ` +
        `WHERE STARTS_WITH(event, @mark) AND ${tail} IN UNNEST(JSON_VALUE_ARRAY(@tails)) ` +
        'GROUP BY file_path, file_generation, tail) GROUP BY tail',
      { tails, mark: INGESTED_EVENT },
    ))
      out.batchParsed.set(batchIdOf(String(r.tail)), Number(r.n));
    return out;
  }

  return { staged, sessionGaps, landed };
}

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
