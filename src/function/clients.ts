/**
 * The function's Google Cloud clients, built from the environment: Application Default
 * Credentials on Cloud Run functions; the local emulators when their variables are set
 * (STORAGE_EMULATOR_ENDPOINT, BIGQUERY_EMULATOR_ENDPOINT, as `scripts/emulators.sh` writes them).
 * Only Storage and BigQuery are loaded: the Pub/Sub client would add ~0.2 s and ~25 MiB to every
 * cold start for nothing.
 */

import { BigQuery } from '@google-cloud/bigquery';
import { Storage } from '@google-cloud/storage';
import { dummyAuthClient } from '../gcp/emulator-auth.js';
import type { FunctionConfig } from './function-config.js';

export interface FunctionClients {
  storage: Storage;
  bigquery: BigQuery;
  /** Human-readable targets, logged at start-up. */
  targets: { storage: string; bigquery: string };
}

export function createClients(
  config: Pick<FunctionConfig, 'project'>,
  env: NodeJS.ProcessEnv = process.env,
): FunctionClients {
  const gcs = env.STORAGE_EMULATOR_ENDPOINT?.replace(/\/$/, '');
  const bqEndpoint = env.BIGQUERY_EMULATOR_ENDPOINT?.replace(/\/$/, '');
  const storage = gcs
    ? new Storage({ apiEndpoint: gcs, projectId: config.project ?? 'local-project', useAuthWithCustomEndpoint: false })
    : new Storage(config.project ? { projectId: config.project } : {});
  const bigquery = bqEndpoint
    ? new BigQuery({
        projectId: config.project ?? env.BIGQUERY_EMULATOR_PROJECT ?? 'local-project',
        apiEndpoint: bqEndpoint,
        authClient: dummyAuthClient(),
      })
    : new BigQuery(config.project ? { projectId: config.project } : {});
  return { storage, bigquery, targets: { storage: gcs ?? 'Cloud Storage', bigquery: bqEndpoint ?? 'BigQuery' } };
}
