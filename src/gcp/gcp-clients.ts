import { BigQuery } from '@google-cloud/bigquery';
import { PubSub } from '@google-cloud/pubsub';
import { Storage } from '@google-cloud/storage';
import { OAuth2Client } from 'google-auth-library';

/**
 * Clients pointed at local emulators (scripts/emulators.sh, test/helpers/emulators.ts). Against
 * real Google Cloud the plain constructors with Application Default Credentials are used instead.
 */

/** An auth client that sends a dummy bearer token: the emulators do not check it. */
export function dummyAuthClient(): OAuth2Client {
  const auth = new OAuth2Client();
  auth.setCredentials({ access_token: 'emulator-dummy-token', expiry_date: Date.now() + 365 * 24 * 3600 * 1000 });
  return auth;
}

/** A Storage client for fake-gcs-server at `endpoint` (`http://127.0.0.1:PORT`), unauthenticated. */
export function emulatorStorage(endpoint: string, projectId = 'local-project'): Storage {
  return new Storage({ apiEndpoint: endpoint.replace(/\/$/, ''), projectId, useAuthWithCustomEndpoint: false });
}

/** A BigQuery client for bigquery-emulator at `endpoint`, whose project must be the emulator's `--project`. */
export function emulatorBigQuery(endpoint: string, projectId: string): BigQuery {
  return new BigQuery({ projectId, apiEndpoint: endpoint.replace(/\/$/, ''), authClient: dummyAuthClient() });
}

/**
 * A Storage Write API client for bigquery-emulator's gRPC endpoint `host` (`127.0.0.1:PORT`, as in
 * BIGQUERY_EMULATOR_GRPC): plaintext, with the dummy token.
 */
export async function emulatorWriterClient(host: string, projectId: string) {
  const [{ managedwriter }, { grpc }] = await Promise.all([import('@google-cloud/bigquery-storage'), import('google-gax')]);
  const [servicePath, port] = host.replace(/^https?:\/\//, '').split(':');
  return new managedwriter.WriterClient({ servicePath, port: Number(port), sslCreds: grpc.credentials.createInsecure(), projectId, authClient: dummyAuthClient() } as unknown as ConstructorParameters<typeof managedwriter.WriterClient>[0]);
}

/** A Pub/Sub client for the Pub/Sub emulator at `host` (`127.0.0.1:PORT`, as in PUBSUB_EMULATOR_HOST). */
export function emulatorPubSub(host: string, projectId: string): PubSub {
  return new PubSub({ projectId, apiEndpoint: host.replace(/^https?:\/\//, ''), emulatorMode: true });
}

/** Clients from the env that `scripts/emulators.sh start` writes (`.emulators/env`), when set. */
export function emulatorClientsFromEnv(env: NodeJS.ProcessEnv = process.env): {
  storage?: Storage;
  bigquery?: BigQuery;
  pubsub?: PubSub;
} {
  const out: { storage?: Storage; bigquery?: BigQuery; pubsub?: PubSub } = {};
  if (env.STORAGE_EMULATOR_ENDPOINT) out.storage = emulatorStorage(env.STORAGE_EMULATOR_ENDPOINT);
  if (env.BIGQUERY_EMULATOR_ENDPOINT) {
    out.bigquery = emulatorBigQuery(env.BIGQUERY_EMULATOR_ENDPOINT, env.BIGQUERY_EMULATOR_PROJECT ?? 'local-project');
  }
  if (env.PUBSUB_EMULATOR_HOST) out.pubsub = emulatorPubSub(env.PUBSUB_EMULATOR_HOST, env.PUBSUB_PROJECT_ID ?? 'local-project');
  return out;
}
