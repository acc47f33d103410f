import { logRow, type FileContext } from '../core/parse/file-context.js';
import { dateToMicros } from '../core/schema/rows.js';
import {
  REFUSAL_KEY_SUFFIX,
  REFUSED_EVENT,
  writeOneFile,
  type FileKey,
  type Warehouse,
  type WriteOutcome,
} from '../ports/warehouse.js';
import type { FileTrigger } from './decode-trigger.js';

export { REFUSAL_KEY_SUFFIX, REFUSED_EVENT };

/** One refusal to record: the file as the trigger named it, and why it will not be ingested. */
export interface Refusal {
  trigger: FileTrigger;
  filePath: string;
  /** Undefined when the object was gone before its generation was known. */
  generation: string | undefined;
  reason: string;
  jobName: string;
  now: Date;
}

/**
 * Writes a refusal's row to the logs table. `already-ingested` means this refusal of this
 * version was recorded before (and no second row was added).
 */
export async function recordRefusal(warehouse: Warehouse, r: Refusal): Promise<WriteOutcome> {
  const ctx: FileContext = {
    bucket: r.trigger.bucket,
    name: r.trigger.name,
    filePath: r.filePath,
    generation: r.generation ?? '',
    jobName: r.jobName,
    insertedAt: dateToMicros(r.now),
  };
  const row = logRow(ctx, `${REFUSED_EVENT}: ${r.reason}`);
  if (r.generation === undefined) row.file_generation = null;
  // Keyed apart from the file itself: a warehouse that makes writes once-only by key (BigQuery's
  // job ids) must not count a refusal as the file's one write, or the file could never land once
  // the configuration allows it. A repeated refusal of the same version may add no second row.
  const key: FileKey = { filePath: r.filePath, generation: `${r.generation ?? ''}${REFUSAL_KEY_SUFFIX}` };
  return writeOneFile(
    warehouse,
    key,
    (async function* () {
      yield { events: [], debug: [], logs: [row] };
    })(),
  );
}
