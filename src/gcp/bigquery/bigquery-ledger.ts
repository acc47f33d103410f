import type { BigQuery } from '@google-cloud/bigquery';
import { createLimiter } from '../../core/limiter.js';
import { eventDsOf } from '../../core/parse/file-context.js';
import { parseObjectName } from '../../core/layout/partition-layout.js';
import type { TableNames } from '../../core/schema/table-schemas.js';
import { CLEAN_LEDGER_ROW, INGESTED_EVENT, ledgerMatcher, type FileKey } from '../../ports/warehouse.js';
import { qualified } from './bigquery-ddl.js';

/** What the ledger lookup needs from the warehouse that owns it. */
export interface LedgerDeps {
  bq: BigQuery;
  names: TableNames;
  /** Files per ledger query. */
  chunk: number;
  resolveProject(): Promise<void>;
  project(): string;
  query(sql: string, params: Record<string, unknown>): Promise<Record<string, unknown>[]>;
}

/** The object's name: as the caller gave it, else found inside the file path (`gs://b/data_type=…`). */
function objectNameOf(file: FileKey): string {
  if (file.name !== undefined) return file.name;
  const i = file.filePath.indexOf('data_type=');
  return i >= 0 ? file.filePath.slice(i) : file.filePath;
}

/** What a ledger lookup found: the files landed, and those of them whose row counts rejected lines. */
export interface LedgerFound {
  landed: Set<string>;
  rejecting: Set<string>;
}

/**
 * The warehouse's `ingested`: which files have their ledger row in the logs table; with
 * `rejecting`, also which of them have one that counts rejected lines (the same query).
 */
export function createLedgerLookup(
  deps: LedgerDeps,
  rejecting = false,
): (files: readonly FileKey[]) => Promise<LedgerFound> {
  const { bq, names, query } = deps;
  let logsTableSeen = false;
  const logsTable = () => qualified(deps.project(), names.logsDataset, names.logsTable);

  return async function ingested(files: readonly FileKey[]): Promise<LedgerFound> {
    const found = new Set<string>();
    const rejects = new Set<string>();
    const result = { landed: found, rejecting: rejects };
    if (files.length === 0) return result;
    await deps.resolveProject();
    // No logs table yet (a preview against a fresh project): nothing has landed.
    if (!logsTableSeen) {
      [logsTableSeen] = await bq.dataset(names.logsDataset).table(names.logsTable).exists();
      if (!logsTableSeen) return result;
    }
    const match = ledgerMatcher(files);
    const chunks: FileKey[][] = [];
    for (let i = 0; i < files.length; i += deps.chunk) chunks.push(files.slice(i, i + deps.chunk));
    // A few chunks at a time: a plan of 100,000 files is 50 queries.
    const slots = createLimiter(4);
    await Promise.all(chunks.map((chunk) => slots.run(() => lookup(chunk))));
    return result;

    async function lookup(chunk: FileKey[]): Promise<void> {
      const days = new Set<string>();
      let anyNullDay = false;
      for (const f of chunk) {
        const ds = eventDsOf(parseObjectName(objectNameOf(f)).ds);
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
        `SELECT file_path, file_generation${rejecting ? ', LOGICAL_OR(STRPOS(event, @clean) = 0) AS rejecting' : ''} ` +
        `FROM ${logsTable()} ` +
        `WHERE STARTS_WITH(event, @mark) AND file_path IN UNNEST(JSON_VALUE_ARRAY(@paths)) AND (${dayFilter}) ` +
        'GROUP BY file_path, file_generation';
      const rows = await query(sql, {
        mark: INGESTED_EVENT,
        ...(rejecting ? { clean: CLEAN_LEDGER_ROW } : {}),
        paths: JSON.stringify([...new Set(chunk.map((f) => f.filePath))]),
        ...(sorted.length > 0 ? { first_day: sorted[0], last_day: sorted[sorted.length - 1] } : {}),
      });
      for (const r of rows)
        for (const key of match({ filePath: String(r.file_path), generation: String(r.file_generation) })) {
          found.add(key);
          if (r.rejecting === true) rejects.add(key);
        }
    }
  };
}
