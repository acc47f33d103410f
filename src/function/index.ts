/**
 * The Cloud Run functions (gen2) entry point: `--entry-point=ingest`, a CloudEvent function.
 * The only module that touches globals: it reads the environment, builds the real clients and
 * registers the handler with the functions framework. Everything else is in ingest-handler.ts.
 */

import * as functions from '@google-cloud/functions-framework';
import { UserError } from '../core/errors.js';
import { createGcsSource } from '../gcp/gcs-source.js';
import { createBigQueryWarehouse } from '../gcp/bigquery-warehouse.js';
import { bigQueryWriterClient } from '../gcp/writer-client.js';
import { createWriteApiAppender } from '../gcp/write-api-appender.js';
import { createClients } from './clients.js';
import { readConfig, type FunctionConfig } from './function-config.js';
import { createIngestHandler } from './ingest-handler.js';
import { createLogger, errorFields, levelFromEnv } from './structured-logger.js';

// Loopback-only runs (emulators) must never wait on the cloud metadata server for credentials.
if (process.env.BIGQUERY_EMULATOR_ENDPOINT && process.env.STORAGE_EMULATOR_ENDPOINT)
  process.env.METADATA_SERVER_DETECTION ??= 'none';

const log = createLogger({ level: levelFromEnv(process.env.LOG_LEVEL) });

let config: FunctionConfig;
try {
  config = readConfig(process.env);
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
// unless another invocation started it (docs/exactly-once.md). `promote` (below) lands the tail.
const writerClient = bigQueryWriterClient(process.env, config.project ?? process.env.BIGQUERY_EMULATOR_PROJECT);
const warehouse = createBigQueryWarehouse({
  bigquery: clients.bigquery,
  tables: config.tables,
  ...(config.location ? { location: config.location } : {}),
  staging: {
    appender: (project) => createWriteApiAppender({ client: writerClient, project, names: config.tables }),
    promote: 'each-window',
  },
});

const handle = createIngestHandler({
  openSource: (bucket) => createGcsSource({ storage: clients.storage, bucket }),
  warehouse,
  config,
  log,
});

log.info('ingest function ready', {
  job_name: config.jobName,
  allowed_buckets: config.allowedBuckets,
  allowed_prefixes: config.allowedPrefixes,
  tables: config.tables,
  storage: clients.targets.storage,
  bigquery: clients.targets.bigquery,
});

functions.cloudEvent('ingest', async (event: functions.CloudEvent<unknown>) => {
  await handle(event);
});

// `--entry-point=promote`, an HTTP function for Cloud Scheduler (every minute): promotes every
// staged file not yet landed, so the last files of a burst land when traffic stops.
functions.http('promote', async (_req, res) => {
  const started = performance.now();
  try {
    await warehouse.promoteNow();
    log.info('promotion done', { seconds: +((performance.now() - started) / 1000).toFixed(3) });
    res.status(200).send('promoted\n');
  } catch (error) {
    log.error(`promotion failed: ${error instanceof Error ? error.message : String(error)}`, errorFields(error));
    res.status(500).send('promotion failed\n');
  }
});
