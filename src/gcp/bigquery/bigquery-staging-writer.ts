import { randomUUID } from 'node:crypto';
import { createPerFileWriter } from '../../writers/per-file-writer.js';
import type { FileWriter } from '../../ports/warehouse.js';
import type { Promoter } from './bigquery-promoter.js';
import { stageFile, type StageLimits } from './bigquery-stage-file.js';
import type { StagingAppender } from './bigquery-staging.js';

/** What the staging writer counts, in the units of BigQuery's Storage Write API quotas. */
export interface AppendUsage {
  appends: number;
  rowsAppended: number;
  bytesAppended: number;
}

export interface StagingWriterDeps {
  /** The appender to stage through (made once the project is known). */
  appender(): StagingAppender;
  /** Makes sure the tables exist (once), before the first file is staged. */
  ensure(): Promise<void>;
  promoter: Promoter;
  usage: AppendUsage;
  /** `when-closed` or `each-window`: see `StagingOptions.promote`. */
  promote: 'when-closed' | 'each-window';
  limits?: Partial<StageLimits> | undefined;
  /** The clock that picks the promotion window. */
  now(): number;
}

/**
 * Each file staged as one attempt (no ledger query, no DML); `write` resolves once the attempt is
 * staged whole. Promotion as `promote` says: after each file (the function), or once the writer
 * closes with every file staged (the backfill).
 */
export function openStagingWriter(deps: StagingWriterDeps): FileWriter {
  const runId = `r${Date.now().toString(36)}${randomUUID().replace(/-/g, '').slice(0, 10)}`;
  let attempts = 0;
  let filesClosed: Promise<void> | undefined;
  let landed = false;
  const { usage } = deps;
  const counting: StagingAppender = {
    append: async (request) => {
      await deps.appender().append(request);
      usage.appends++;
      usage.rowsAppended += request.rows.length;
      usage.bytesAppended += request.bytes;
    },
    close: async () => undefined, // the warehouse's close closes it
  };
  const files = createPerFileWriter(async (file, batches) => {
    await deps.ensure();
    await stageFile(counting, file, `${runId}-${++attempts}`, batches, deps.limits);
    // The file is staged whole: a window whose job cannot start now is promoted by the next one
    // (or by the scheduled promotion), so that failure must not fail the file.
    if (deps.promote === 'each-window') await deps.promoter.startWindow(deps.now()).catch(() => undefined);
    return 'staged';
  });
  return {
    write: (file, batches) => files.write(file, batches),
    // Again after a failed promotion: promotes again (what landed is not promoted twice).
    async close() {
      await (filesClosed ??= files.close());
      if (landed || deps.promote !== 'when-closed' || attempts === 0) return;
      await deps.promoter.promoteRun(runId);
      landed = true;
    },
  };
}
