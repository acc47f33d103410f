/**
 * The Cloud Run functions (gen2) entry points: `--entry-point=ingest`, a CloudEvent function, and
 * `--entry-point=promote`, an HTTP function for Cloud Scheduler. The only module that touches
 * globals: it reads the environment, builds the real clients and registers the handlers with the
 * functions framework. Everything else is in ingest-handler.ts and promote-handler.ts.
 */

import * as functions from '@google-cloud/functions-framework';
import { UserError } from '../core/errors.js';
import { createGcsSource } from '../gcp/gcs-source.js';
import { createBigQueryWarehouse, EMULATOR_MAX_CONCURRENT_QUERIES } from '../gcp/bigquery/bigquery-warehouse.js';
import { bigQueryWriterClient } from '../gcp/bigquery/writer-client.js';
import { createWriteApiAppender } from '../gcp/bigquery/write-api-appender.js';
import { createClients } from './clients.js';
import { entryPointOf, readConfig, type FunctionConfig } from './function-config.js';
import { createIngestHandler } from './ingest-handler.js';
import { createPromoteHandler } from './promote-handler.js';
import { createLogger, errorFields, levelFromEnv } from './structured-logger.js';

// Loopback-only runs (emulators) must never wait on the cloud metadata server for credentials.
if (process.env.BIGQUERY_EMULATOR_ENDPOINT && process.env.STORAGE_EMULATOR_ENDPOINT)
  process.env.METADATA_SERVER_DETECTION ??= 'none';

const log = createLogger({ level: levelFromEnv(process.env.LOG_LEVEL) });

// The runtimes it is tested on: Node 22 and 24 (Node 20 reached its end of life in April 2026, and
// Cloud Run functions deprecates its runtime). Refused at start, so a deployment fails, not files.
if (Number(process.versions.node.split('.')[0]) < 22) {
  const message = `Node.js ${process.version} is not a runtime this function is tested on: deploy with --runtime=nodejs24 (or nodejs22)`;
  log.error(message);
  throw new UserError(message);
}
const entry = entryPointOf(process.argv, process.env);

let config: FunctionConfig;
try {
  config = readConfig(process.env, entry);
} catch (error) {
  // Fails the start (and so the deployment) with the reason in the logs.
  const hint =
    (error instanceof UserError && error.hint) || 'The variables are listed under Configuration in docs/function.md.';
  log.error(
    `configuration error: ${error instanceof Error ? error.message : String(error)}. ${hint}`,
    errorFields(error),
  );
  throw error;
}

const clients = createClients(config, process.env);
// Each file is staged through the Storage Write API; after it, this minute's promotion is started
// unless this instance started it already (docs/exactly-once.md). `promote` (below) lands the tail.
const writerClient = bigQueryWriterClient(process.env, config.project ?? process.env.BIGQUERY_EMULATOR_PROJECT);
const warehouse = createBigQueryWarehouse({
  bigquery: clients.bigquery,
  tables: config.tables,
  ...(config.location ? { location: config.location } : {}),
  ...(process.env.BIGQUERY_EMULATOR_ENDPOINT ? { maxConcurrentQueries: EMULATOR_MAX_CONCURRENT_QUERIES } : {}),
  staging: {
    appender: (project) => createWriteApiAppender({ client: writerClient, project, names: config.tables }),
    promote: 'each-window',
    onWindowStart: (window, outcome) => log.info('promotion window started', { window, outcome }),
  },
});

if (entry === 'ingest') {
  const handle = createIngestHandler({
    openSource: (bucket) => createGcsSource({ storage: clients.storage, bucket }),
    warehouse,
    config,
    log,
  });
  functions.cloudEvent('ingest', async (event: functions.CloudEvent<unknown>) => {
    await handle(event);
  });
}

// Every minute (Cloud Scheduler): promotes every staged file not yet landed, so the last files of
// a burst land when traffic stops.
const promote = createPromoteHandler({ promoteNow: () => warehouse.promoteNow(), log });
functions.http('promote', async (req, res) => {
  const { status, body } = await promote(req.method);
  res.status(status).type('text/plain').send(body);
});

log.info(`${entry} function ready`, {
  entry_point: entry,
  ...(entry === 'ingest'
    ? {
        job_name: config.jobName,
        allowed_buckets: config.allowedBuckets,
        allowed_prefixes: config.allowedPrefixes,
        storage: clients.targets.storage,
      }
    : {}),
  tables: config.tables,
  bigquery: clients.targets.bigquery,
});
