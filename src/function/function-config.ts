/**
 * The function's configuration, read once from environment variables at start-up. A bad value
 * fails the start (the deployment's health check), naming the variable, rather than each call.
 */

import { UserError } from '../core/errors.js';
import { DEFAULT_TABLE_NAMES, validateTableNames, type TableNames } from '../core/schema/table-schemas.js';
import { isBucketName, isProjectId } from '../core/schema/names.js';

export interface FunctionConfig {
  /** BigQuery project; undefined means the runtime's own project (metadata server / ADC). */
  project: string | undefined;
  /** BigQuery location for datasets the function creates (`US`, `EU`, a region); undefined: BigQuery's default. */
  location: string | undefined;
  tables: TableNames;
  /** Buckets whose objects may be ingested; `['*']` allows any. */
  allowedBuckets: string[];
  /** Object name prefixes that may be ingested (default `data_type=json/`). */
  allowedPrefixes: string[];
  /** `job_name` of every row written. */
  jobName: string;
}

export const DEFAULT_ALLOWED_PREFIXES = ['data_type=json/'];
export const DEFAULT_JOB_NAME = 'analytics-ingest';

function list(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

function nonEmpty(env: NodeJS.ProcessEnv, key: string): string | undefined {
  const v = env[key]?.trim();
  return v === undefined || v === '' ? undefined : v;
}

/** The deployed entry point: `ingest` (the CloudEvent function) or `promote` (HTTP, for Cloud Scheduler). */
export type EntryPoint = 'ingest' | 'promote';

/**
 * Which entry point this process serves, as the functions framework decides it: `--target` on its
 * command line, else FUNCTION_TARGET (set by Cloud Run functions). Unknown: `ingest`.
 */
export function entryPointOf(argv: readonly string[], env: NodeJS.ProcessEnv): EntryPoint {
  const at = argv.findIndex((a) => a === '--target' || a.startsWith('--target='));
  const flag = at < 0 ? undefined : argv[at]!.includes('=') ? argv[at]!.split('=')[1] : argv[at + 1];
  return (flag ?? env.FUNCTION_TARGET) === 'promote' ? 'promote' : 'ingest';
}

/**
 * Reads and validates the configuration. Throws a {@link UserError} naming the bad variable.
 * `promote` reads only what promotion needs (project, location, tables): no ALLOWED_BUCKETS.
 */
export function readConfig(env: NodeJS.ProcessEnv = process.env, entry: EntryPoint = 'ingest'): FunctionConfig {
  const project =
    nonEmpty(env, 'BIGQUERY_PROJECT') ?? nonEmpty(env, 'GOOGLE_CLOUD_PROJECT') ?? nonEmpty(env, 'GCP_PROJECT');
  if (project !== undefined && !isProjectId(project)) {
    throw new UserError(`GOOGLE_CLOUD_PROJECT "${project}" is not a project id`);
  }
  const tables: TableNames = {
    eventsDataset: nonEmpty(env, 'EVENTS_DATASET') ?? DEFAULT_TABLE_NAMES.eventsDataset,
    eventsTable: nonEmpty(env, 'EVENTS_TABLE') ?? DEFAULT_TABLE_NAMES.eventsTable,
    logsDataset: nonEmpty(env, 'LOGS_DATASET') ?? DEFAULT_TABLE_NAMES.logsDataset,
    logsTable: nonEmpty(env, 'LOGS_TABLE') ?? DEFAULT_TABLE_NAMES.logsTable,
    debugTable: nonEmpty(env, 'DEBUG_TABLE') ?? DEFAULT_TABLE_NAMES.debugTable,
  };
  try {
    validateTableNames(tables);
  } catch (error) {
    const envName: Record<keyof TableNames, string> = {
      eventsDataset: 'EVENTS_DATASET',
      eventsTable: 'EVENTS_TABLE',
      logsDataset: 'LOGS_DATASET',
      logsTable: 'LOGS_TABLE',
      debugTable: 'DEBUG_TABLE',
    };
    const key = (Object.keys(envName) as (keyof TableNames)[]).find((k) =>
      (error as Error).message.includes(`invalid ${k} `),
    );
    throw new UserError(`${key ? envName[key] : 'table names'}: ${(error as Error).message}`);
  }
  if (tables.logsTable === tables.debugTable)
    throw new UserError(`LOGS_TABLE and DEBUG_TABLE are both "${tables.logsTable}": they must differ`);

  const location = nonEmpty(env, 'BIGQUERY_LOCATION');
  if (entry === 'promote') return { project, location, tables, allowedBuckets: [], allowedPrefixes: [], jobName: '' };
  const rawBuckets = nonEmpty(env, 'ALLOWED_BUCKETS');
  if (rawBuckets === undefined) {
    throw new UserError(
      'ALLOWED_BUCKETS is not set',
      'Set it to the bucket(s) the function may read, comma-separated, or * for any.',
    );
  }
  const allowedBuckets = list(rawBuckets).map((b) => b.replace(/^gs:\/\//, '').replace(/\/+$/, ''));
  if (allowedBuckets.length === 0) throw new UserError('ALLOWED_BUCKETS is empty');
  for (const b of allowedBuckets) {
    if (b !== '*' && !isBucketName(b)) throw new UserError(`ALLOWED_BUCKETS: "${b}" is not a bucket name`);
  }
  if (allowedBuckets.includes('*') && allowedBuckets.length > 1)
    throw new UserError('ALLOWED_BUCKETS: * cannot be combined with bucket names');

  const allowedPrefixes =
    env.ALLOWED_PREFIXES === undefined ? [...DEFAULT_ALLOWED_PREFIXES] : list(env.ALLOWED_PREFIXES);
  if (allowedPrefixes.length === 0)
    throw new UserError('ALLOWED_PREFIXES is empty', 'Unset it for data_type=json/, or list prefixes.');
  for (const p of allowedPrefixes) {
    if (p.startsWith('/') || p.includes('//') || p.includes('..'))
      throw new UserError(`ALLOWED_PREFIXES: "${p}" is not an object name prefix`);
  }

  const jobName = nonEmpty(env, 'JOB_NAME') ?? nonEmpty(env, 'K_SERVICE') ?? DEFAULT_JOB_NAME;
  if (jobName.length > 1024 || [...jobName].some((ch) => ch.charCodeAt(0) < 0x20))
    throw new UserError('JOB_NAME is too long or holds control characters');

  return { project, location, tables, allowedBuckets, allowedPrefixes, jobName };
}

/** Whether an object may be ingested under this configuration: undefined if so, else why not. */
export function refusal(
  config: Pick<FunctionConfig, 'allowedBuckets' | 'allowedPrefixes'>,
  bucket: string,
  name: string,
): string | undefined {
  if (!config.allowedBuckets.includes('*') && !config.allowedBuckets.includes(bucket)) {
    return `bucket ${bucket} is not an allowed bucket (ALLOWED_BUCKETS=${config.allowedBuckets.join(',')})`;
  }
  if (!config.allowedPrefixes.some((p) => name.startsWith(p))) {
    return `object is outside the allowed prefixes (ALLOWED_PREFIXES=${config.allowedPrefixes.join(',')})`;
  }
  return undefined;
}
