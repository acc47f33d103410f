import type { EventRow, LogRow } from '../core/schema/rows.js';
import { EVENT_COLUMNS, LOG_COLUMNS, type Column } from '../core/schema/table-schemas.js';
import type { RowBatch } from '../ports/warehouse.js';

/** The text columns of each table (the other columns count as 16 bytes each). */
const textOf = (columns: readonly Column[]) =>
  columns.filter((c) => c.type === 'STRING' || c.type === 'DATE').map((c) => c.name);
const EVENT_TEXT = textOf(EVENT_COLUMNS);
const LOG_TEXT = textOf(LOG_COLUMNS);

/** The bytes a batch's rows hold: every text column's length, plus 16 bytes for each other column and 16 per row. */
export function estimateBatchBytes(batch: RowBatch): number {
  let n = 16 * (batch.events.length * (EVENT_COLUMNS.length - EVENT_TEXT.length + 1));
  n += 16 * ((batch.debug.length + batch.logs.length) * (LOG_COLUMNS.length - LOG_TEXT.length + 1));
  for (const r of batch.events) for (const k of EVENT_TEXT) n += len(r[k as keyof EventRow] as string | null);
  for (const rows of [batch.debug, batch.logs])
    for (const r of rows) for (const k of LOG_TEXT) n += len(r[k as keyof LogRow] as string | null);
  return n;
}

const len = (s: string | null | undefined): number => s?.length ?? 0;
