import type { Selection } from '../core/layout/selection.js';

/** A complete backfill, as the flags or the wizard describe it. */
export interface BackfillRequest {
  bucket: string;
  project: string | undefined;
  topic: string | undefined;
  /** `duckdb:PATH` or `bigquery[:PROJECT]`. */
  warehouse: string;
  selection: Selection;
  reprocess: boolean;
  jobName: string | undefined;
}
