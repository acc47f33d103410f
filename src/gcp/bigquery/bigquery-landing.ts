import {
  CLEAN_LEDGER_ROW,
  INGESTED_EVENT,
  ledgerKey,
  type Landing,
  type LandingWindow,
} from '../../ports/warehouse.js';
import { STAGING_TABLE } from '../../core/schema/table-schemas.js';
import { qualified } from './bigquery-ddl.js';
import type { LedgerDeps } from './bigquery-ledger.js';
import { stagingTables } from './bigquery-staging.js';

/**
 * `--follow`'s look at BigQuery: the ledger rows written since the run began in the run's days
 * (one query, pruned to those day partitions), and the files staged since then (one query), so a
 * look costs two queries whatever the number of files it follows. Rows of other runs come back too
 * and are matched away by the caller.
 */
export function createLandingWatch(deps: Omit<LedgerDeps, 'chunk'>): (window: LandingWindow) => Promise<Landing> {
  const { bq, names, project, resolveProject, query } = deps;
  let tables: { logs: boolean; staging: boolean } | undefined;
  return async function landingSince(window: LandingWindow): Promise<Landing> {
    const out: Landing = { landed: new Map(), staged: new Set() };
    await resolveProject();
    if (!tables?.logs || !tables.staging) {
      const dataset = bq.dataset(names.logsDataset);
      const [[logs], [staging]] = await Promise.all([
        dataset.table(names.logsTable).exists(),
        dataset.table(STAGING_TABLE).exists(),
      ]);
      tables = { logs, staging };
    }
    if (tables.logs) {
      const days =
        window.firstDay !== undefined && window.lastDay !== undefined
          ? 'event_ds BETWEEN CAST(@first_day AS DATE) AND CAST(@last_day AS DATE) OR '
          : '';
      const rows = await query(
        'SELECT file_path, file_generation, LOGICAL_OR(STRPOS(event, @clean) = 0) AS rejecting ' +
          `FROM ${qualified(project(), names.logsDataset, names.logsTable)} ` +
          `WHERE STARTS_WITH(event, @mark) AND processed_timestamp >= @since AND (${days}event_ds IS NULL) ` +
          'GROUP BY file_path, file_generation',
        {
          mark: INGESTED_EVENT,
          clean: CLEAN_LEDGER_ROW,
          since: window.since,
          ...(days ? { first_day: window.firstDay, last_day: window.lastDay } : {}),
        },
      );
      for (const r of rows)
        out.landed.set(
          ledgerKey({ filePath: String(r.file_path), generation: String(r.file_generation) }),
          r.rejecting === true,
        );
    }
    if (tables.staging) {
      const { staging } = stagingTables(project(), names);
      const rows = await query(
        `SELECT DISTINCT file_path, file_generation FROM ${staging} WHERE kind = 'done' AND staged_at >= @since`,
        { since: window.since },
      );
      for (const r of rows)
        out.staged.add(ledgerKey({ filePath: String(r.file_path), generation: String(r.file_generation) }));
    }
    return out;
  };
}
