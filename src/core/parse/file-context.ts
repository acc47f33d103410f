import { hash } from 'node:crypto';
import { dayNumberOf } from '../calendar.js';
import { parseObjectName } from '../layout/partition-layout.js';
import type { LogRow, Micros } from '../schema/rows.js';

/** What the parser and the log rows need to know about the file being ingested. */
export interface FileContext {
  /** Bucket name, or the local folder's absolute path. */
  bucket: string;
  /** Object name relative to the bucket root. */
  name: string;
  /** `gs://bucket/name` or the local path: the logs' `file_path`. */
  filePath: string;
  generation: string;
  /** Written to `job_name`: the function's name or the backfill run. */
  jobName: string;
  /** `inserted_timestamp` / `processed_timestamp`: one instant for the whole file. */
  insertedAt: Micros;
}

/** md5 hex of the object name's last two `/` segments (contract §3, `batch_id`). */
export function batchIdOf(name: string): string {
  return hash('md5', lastTwoSegments(name), 'hex'); // one-shot: 0.5 µs instead of 1.3 for a name
}

/** A name's or path's last two `/` segments: what its batch id is made of (files sharing them share it). */
export function lastTwoSegments(name: string): string {
  return name.split('/').slice(-2).join('/');
}

/** The path's `event_ds` when it is a real calendar date, else null. */
export function eventDsOf(ds: string | undefined): string | null {
  return ds !== undefined && dayNumberOf(ds) !== undefined ? ds : null;
}

/** A row for the logs or debug table about this file, `event` holding a status or rejected text. */
export function logRow(ctx: FileContext, event: string): LogRow {
  let template = templates.get(ctx);
  if (template === undefined) {
    template = templateOf(ctx);
    templates.set(ctx, template);
  }
  return { ...template, event };
}

/** A file's log row less its `event`: computed once per file (an md5 and a date check). */
const templates = new WeakMap<FileContext, LogRow>();

function templateOf(ctx: FileContext): LogRow {
  const path = parseObjectName(ctx.name);
  return {
    job_name: ctx.jobName,
    processed_timestamp: ctx.insertedAt,
    batch_id: batchIdOf(ctx.name),
    analytics_environment: path.environment ?? null,
    event_category: path.category ?? null,
    event_time: path.time ?? null,
    event_ds: eventDsOf(path.ds),
    event: null,
    file_path: ctx.filePath,
    file_generation: ctx.generation,
  };
}
