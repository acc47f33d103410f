import { BigQuery } from '@google-cloud/bigquery';
import { PubSub } from '@google-cloud/pubsub';
import { Storage } from '@google-cloud/storage';
import { dummyAuthClient } from './emulator-auth.js';

/**
 * Clients pointed at local emulators (scripts/emulators.sh, test/helpers/emulators.ts). Against
 * real Google Cloud the plain constructors with Application Default Credentials are used instead.
 */

/** A Storage client for fake-gcs-server at `endpoint` (`http://127.0.0.1:PORT`), unauthenticated. */
export function emulatorStorage(endpoint: string, projectId = 'local-project'): Storage {
  return new Storage({ apiEndpoint: endpoint.replace(/\/$/, ''), projectId, useAuthWithCustomEndpoint: false });
}

/** A BigQuery client for bigquery-emulator at `endpoint`, whose project must be the emulator's `--project`. */
export function emulatorBigQuery(endpoint: string, projectId: string): BigQuery {
  return new BigQuery({ projectId, apiEndpoint: endpoint.replace(/\/$/, ''), authClient: dummyAuthClient() });
}

/** A Pub/Sub client for the Pub/Sub emulator at `host` (`127.0.0.1:PORT`, as in PUBSUB_EMULATOR_HOST). */
export function emulatorPubSub(host: string, projectId: string): PubSub {
  return new PubSub({ projectId, apiEndpoint: host.replace(/^https?:\/\//, ''), emulatorMode: true });
}
