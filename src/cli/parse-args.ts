import { parseArgs as parseNodeArgs } from 'node:util';
import { UsageError } from '../core/errors.js';
import type { TimeBucket } from '../core/layout/partition-layout.js';
import {
  checkRange,
  parseDate,
  parseEnvironments,
  parseList,
  parseTimes,
  type AllOr,
} from '../core/layout/selection.js';
import { parseBytes } from '../core/present/format.js';
import { cellsSpan, parseCells } from '../core/layout/cells.js';
import { parseWarehouseSpec, warehouseSpecText } from '../core/schema/warehouse-spec.js';
import { isProjectId } from '../core/schema/names.js';
import { followFlags, type FollowFlags } from './follow-flags.js';

/** Everything the command line can say. Selection fields are undefined when not given. */
export interface CliOptions {
  bucket?: string;
  topic?: string;
  project?: string;
  warehouse?: string;
  environments?: AllOr<string>;
  categories?: AllOr<string>;
  start?: string;
  stop?: string;
  times?: AllOr<TimeBucket>;
  /** `--cells ENV/YYYY-MM-DD/TIME,…`: only these cells (core/layout/cells.ts); they also set the ranges above. */
  cells?: string[];
  dataType: string;
  reprocess: boolean;
  resume?: string;
  recordDir?: string;
  jobName?: string;
  /** `status --partition ENV/CATEGORY/YYYY-MM-DD/TIME`: that partition's files. */
  partition?: string;
  /** `status --sessions`: gaps in event indexes within sessions, by partition. */
  sessions?: boolean;
  /** `--local-sa-key PATH`: a service-account key file for every Google Cloud client (the Beam script's flag). */
  keyFile?: string;
  /** `--execution-environment RUNNER`: the Beam script's runner; accepted, and nothing here depends on it. */
  executionEnvironment?: string;
  /** Refuse a run that would send more files, or more bytes, than these. */
  maxFiles?: number;
  maxBytes?: number;
  /** `--follow` (with `--follow-timeout`, `--follow-interval`): after publishing, watch every file land. */
  follow?: FollowFlags;
  /** `status --watch [--follow-interval]`: redraw the map every interval until interrupted. */
  watch?: { intervalMs: number };
  yes: boolean;
  dryRun: boolean;
  json: boolean;
  help: boolean;
  version: boolean;
}

/** The flags, with the original backfill script's names first so operators' scripts carry over. */
export const FLAGS = {
  'gcs-bucket': { type: 'string', short: 'b' },
  topic: { type: 'string', short: 't' },
  gcp: { type: 'string', short: 'p' },
  'analytics-environment': { type: 'string', short: 'e' },
  'event-category': { type: 'string', short: 'c' },
  'event-ds-start': { type: 'string', short: 's' },
  'event-ds-stop': { type: 'string', short: 'u' },
  'event-time': { type: 'string', short: 'T' },
  cells: { type: 'string' },
  warehouse: { type: 'string', short: 'w' },
  'data-type': { type: 'string' },
  reprocess: { type: 'boolean' },
  resume: { type: 'string' },
  'record-dir': { type: 'string' },
  'job-name': { type: 'string' },
  partition: { type: 'string' },
  sessions: { type: 'boolean' },
  'local-sa-key': { type: 'string' },
  'execution-environment': { type: 'string' },
  'max-files': { type: 'string' },
  'max-bytes': { type: 'string' },
  follow: { type: 'boolean' },
  'follow-timeout': { type: 'string' },
  'follow-interval': { type: 'string' },
  'dead-letter-subscription': { type: 'string' },
  watch: { type: 'boolean' },
  yes: { type: 'boolean', short: 'y' },
  'dry-run': { type: 'boolean', short: 'n' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'V' },
} as const;

/** The flags that say what a run reads, selects and writes: fixed by its record once it exists. */
const RUN_FLAGS = [
  'gcs-bucket',
  'topic',
  'gcp',
  'warehouse',
  'analytics-environment',
  'event-category',
  'event-ds-start',
  'event-ds-stop',
  'event-time',
  'cells',
  'data-type',
  'reprocess',
  'job-name',
] as const;

/**
 * Parses and validates the command line. Every bad value is refused here, before any work, with a
 * message naming the flag. `env` supplies defaults: ANALYTICS_BACKFILL_BUCKET, GOOGLE_CLOUD_PROJECT.
 */
export function parseArgs(
  argv: readonly string[] = process.argv.slice(2),
  env: NodeJS.ProcessEnv = process.env,
): CliOptions {
  let parsed;
  try {
    parsed = parseNodeArgs({ args: [...argv], options: FLAGS, strict: true, allowPositionals: false, tokens: true });
  } catch (error) {
    throw new UsageError(oneLine(error));
  }
  refuseRepeated(parsed.tokens);
  const v = parsed.values;
  const opts: CliOptions = {
    dataType: v['data-type'] ?? 'json',
    reprocess: v.reprocess ?? false,
    yes: v.yes ?? false,
    dryRun: v['dry-run'] ?? false,
    json: v.json ?? false,
    help: v.help ?? false,
    version: v.version ?? false,
  };
  const bucket = v['gcs-bucket'] ?? env.ANALYTICS_BACKFILL_BUCKET;
  if (bucket !== undefined) opts.bucket = nonEmpty('--gcs-bucket', bucket);
  if (v.topic !== undefined) opts.topic = nonEmpty('--topic', v.topic);
  const project = v.gcp ?? env.GOOGLE_CLOUD_PROJECT ?? env.GCLOUD_PROJECT;
  if (project !== undefined) opts.project = checkProject(project);
  if (v.warehouse !== undefined) opts.warehouse = checkWarehouse(v.warehouse);
  if (v['analytics-environment'] !== undefined) opts.environments = parseEnvironments(v['analytics-environment']);
  if (v['event-category'] !== undefined) opts.categories = parseList('--event-category', v['event-category']);
  if (v['event-ds-start'] !== undefined) opts.start = parseDate('--event-ds-start', v['event-ds-start']);
  if (v['event-ds-stop'] !== undefined) opts.stop = parseDate('--event-ds-stop', v['event-ds-stop']);
  if (opts.start !== undefined && opts.stop !== undefined) checkRange(opts.start, opts.stop);
  if (v['event-time'] !== undefined) opts.times = parseTimes(v['event-time']);
  if (v.cells !== undefined) {
    const ranges = (['analytics-environment', 'event-ds-start', 'event-ds-stop', 'event-time'] as const).filter(
      (f) => v[f] !== undefined,
    );
    if (ranges.length > 0)
      throw new UsageError(
        `--cells names the environments, days and time buckets itself; it cannot take ${ranges.map((f) => `--${f}`).join(', ')}`,
      );
    opts.cells = parseCells(v.cells);
    const span = cellsSpan(opts.cells);
    Object.assign(opts, { environments: span.environments, start: span.start, stop: span.stop, times: span.times });
  }
  if (!['json', 'unknown'].includes(opts.dataType))
    throw new UsageError(`--data-type: "${opts.dataType}" is not json or unknown`);
  if (v.resume !== undefined) {
    opts.resume = nonEmpty('--resume', v.resume);
    // A resumed run sends what its own record asked for: a flag that asks for something else is refused, not ignored.
    const conflicting = RUN_FLAGS.filter((f) => v[f] !== undefined).map((f) => `--${f}`);
    if (conflicting.length > 0) {
      throw new UsageError(
        `--resume repeats the run as it was recorded; it cannot take ${conflicting.join(', ')}`,
        'Drop them, or start a new run with the new selection.',
      );
    }
  }
  if (v['record-dir'] !== undefined) opts.recordDir = nonEmpty('--record-dir', v['record-dir']);
  if (v['job-name'] !== undefined) opts.jobName = nonEmpty('--job-name', v['job-name']);
  if (v.partition !== undefined) opts.partition = nonEmpty('--partition', v.partition);
  if (v.sessions === true) opts.sessions = true;
  if (v['local-sa-key'] !== undefined) opts.keyFile = nonEmpty('--local-sa-key', v['local-sa-key']);
  if (v['execution-environment'] !== undefined)
    opts.executionEnvironment = nonEmpty('--execution-environment', v['execution-environment']);
  if (v['max-files'] !== undefined) {
    const n = Number(v['max-files']);
    if (!/^\d+$/.test(v['max-files'].trim()) || !Number.isSafeInteger(n))
      throw new UsageError(`--max-files: "${v['max-files']}" is not a number of files`);
    opts.maxFiles = n;
  }
  if (v['max-bytes'] !== undefined) {
    const n = parseBytes(v['max-bytes']);
    if (n === undefined) throw new UsageError(`--max-bytes: "${v['max-bytes']}" is not a size (e.g. 500MB, 2GiB)`);
    opts.maxBytes = n;
  }
  Object.assign(opts, followFlags(v));
  if (opts.topic !== undefined && opts.bucket !== undefined && !opts.bucket.startsWith('gs://')) {
    throw new UsageError(
      '--topic needs a gs:// bucket: the ingest function reads files from Cloud Storage',
      'Drop --topic to ingest a folder directly.',
    );
  }
  return opts;
}

function nonEmpty(flag: string, value: string): string {
  if (value.trim() === '') throw new UsageError(`${flag} is empty`);
  return value.trim();
}

/** GCP project ids: 6–30 lowercase letters, digits and hyphens (domain-scoped ids allowed). */
function checkProject(project: string): string {
  if (!isProjectId(project)) {
    throw new UsageError(`--gcp: "${project}" is not a valid project id`);
  }
  return project;
}

/** A `--warehouse` value, checked by its one parser (core/schema/warehouse-spec.ts). */
function checkWarehouse(raw: string): string {
  return warehouseSpecText(parseWarehouseSpec(raw));
}

function oneLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return (text.split('\n')[0] ?? text).replace(/^Unknown option '(.+)'.*$/, 'unknown flag $1');
}

/** A value flag given twice would silently take the last (`-c nope -c c`): refused, naming both. */
function refuseRepeated(tokens: readonly { kind: string; name?: string; value?: string }[]): void {
  const seen = new Map<string, string>();
  for (const t of tokens) {
    if (t.kind !== 'option' || t.name === undefined || t.value === undefined) continue;
    const before = seen.get(t.name);
    if (before !== undefined)
      throw new UsageError(
        `--${t.name} given twice ("${before}", then "${t.value}")`,
        'Give it once; a list is comma-separated (-c a,b).',
      );
    seen.set(t.name, t.value);
  }
}
