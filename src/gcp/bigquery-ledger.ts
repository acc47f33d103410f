import type { BigQuery } from '@google-cloud/bigquery';
import { eventDsOf } from '../core/file-context.js';
import { parseObjectName } from '../core/partition-layout.js';
import type { TableNames } from '../core/table-schemas.js';
import { INGESTED_EVENT, ledgerKey, REJECTING_LEDGER_ROW, type FileKey } from '../ports/warehouse.js';
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

/** The object name inside a file path (`gs://b/data_type=…` or `/abs/folder/data_type=…`). */
function layoutName(filePath: string): string {
  const i = filePath.indexOf('data_type=');
  return i >= 0 ? filePath.slice(i) : filePath;
}

/**
 * The warehouse's `ingested`: which files have their ledger row in the logs table; with
 * `rejecting`, its `rejecting`: which have one that counts rejected lines.
 */
export function createLedgerLookup(
  deps: LedgerDeps,
  rejecting = false,
): (files: readonly FileKey[]) => Promise<Set<string>> {
  const { bq, names, query } = deps;
  let logsTableSeen = false;
  const logsTable = () => qualified(deps.project(), names.logsDataset, names.logsTable);

  return async function ingested(files: readonly FileKey[]): Promise<Set<string>> {
    const found = new Set<string>();
    if (files.length === 0) return found;
    await deps.resolveProject();
    // No logs table yet (a preview against a fresh project): nothing has landed.
    if (!logsTableSeen) {
      [logsTableSeen] = await bq.dataset(names.logsDataset).table(names.logsTable).exists();
      if (!logsTableSeen) return found;
    }
    const wanted = new Set(files.map(ledgerKey));
    const chunks: FileKey[][] = [];
    for (let i = 0; i < files.length; i += deps.chunk) chunks.push(files.slice(i, i + deps.chunk));
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
        `WHERE STARTS_WITH(event, @mark) AND file_path IN UNNEST(JSON_VALUE_ARRAY(@paths)) AND (${dayFilter})` +
        (rejecting ? ' AND REGEXP_CONTAINS(event, @rejecting)' : '');
      const rows = await query(sql, {
        mark: INGESTED_EVENT,
        ...(rejecting ? { rejecting: REJECTING_LEDGER_ROW } : {}),
        paths: JSON.stringify([...new Set(chunk.map((f) => f.filePath))]),
        ...(sorted.length > 0 ? { first_day: sorted[0], last_day: sorted[sorted.length - 1] } : {}),
      });
      for (const r of rows) {
        const key = ledgerKey({ filePath: String(r.file_path), generation: String(r.file_generation) });
        if (wanted.has(key)) found.add(key);
      }
    }
  };
}
