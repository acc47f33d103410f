import type { CloudFactories } from '../ports/cloud.js';
import { DEFAULT_TABLE_NAMES, type TableNames } from '../core/schema/table-schemas.js';

/**
 * The Google Cloud adapters behind the CLI's factory interface. Each client library is imported
 * only when first used. Emulators are used when their variables are set (what
 * `scripts/emulators.sh start` writes to .emulators/env):
 *
 * - STORAGE_EMULATOR_ENDPOINT  `http://127.0.0.1:PORT` (fake-gcs-server; passed as apiEndpoint)
 * - BIGQUERY_EMULATOR_ENDPOINT `http://127.0.0.1:PORT`, with BIGQUERY_EMULATOR_PROJECT and
 *   BIGQUERY_EMULATOR_GRPC `127.0.0.1:PORT` (its gRPC port: the Storage Write API)
 * - PUBSUB_EMULATOR_HOST       `127.0.0.1:PORT`, with PUBSUB_PROJECT_ID
 *
 * Otherwise Application Default Credentials and the given project apply; `env`'s
 * GOOGLE_APPLICATION_CREDENTIALS (what `--local-sa-key` sets) is every client's key file.
 */
export function gcpCloudFactories(
  env: NodeJS.ProcessEnv = process.env,
  tables: TableNames = DEFAULT_TABLE_NAMES,
): CloudFactories {
  const pubsubClient = async (project: string | undefined) => {
    const clients = await import('./gcp-clients.js');
    return env.PUBSUB_EMULATOR_HOST
      ? clients.emulatorPubSub(env.PUBSUB_EMULATOR_HOST, project ?? env.PUBSUB_PROJECT_ID ?? 'local-project')
      : new (await import('@google-cloud/pubsub')).PubSub(clientOptions(env, project));
  };
  return {
    async gcsSource(bucket, project) {
      const [{ createGcsSource }, clients] = await Promise.all([import('./gcs-source.js'), import('./gcp-clients.js')]);
      const storage = env.STORAGE_EMULATOR_ENDPOINT
        ? clients.emulatorStorage(env.STORAGE_EMULATOR_ENDPOINT, project)
        : new (await import('@google-cloud/storage')).Storage(clientOptions(env, project));
      return createGcsSource({ storage, bucket });
    },
    async bigQueryWarehouse(project) {
      const [{ createBigQueryWarehouse, EMULATOR_MAX_CONCURRENT_QUERIES }, clients] = await Promise.all([
        import('./bigquery/bigquery-warehouse.js'),
        import('./gcp-clients.js'),
      ]);
      const bigquery = env.BIGQUERY_EMULATOR_ENDPOINT
        ? clients.emulatorBigQuery(
            env.BIGQUERY_EMULATOR_ENDPOINT,
            project ?? env.BIGQUERY_EMULATOR_PROJECT ?? 'local-project',
          )
        : new (await import('@google-cloud/bigquery')).BigQuery(clientOptions(env, project));
      const [{ bigQueryWriterClient }, { createWriteApiAppender }] = await Promise.all([
        import('./bigquery/writer-client.js'),
        import('./bigquery/write-api-appender.js'),
      ]);
      const writerClient = await bigQueryWriterClient(env, project);
      return createBigQueryWarehouse({
        bigquery,
        tables,
        ...(env.BIGQUERY_EMULATOR_ENDPOINT ? { maxConcurrentQueries: EMULATOR_MAX_CONCURRENT_QUERIES } : {}),
        staging: {
          appender: (p) => createWriteApiAppender({ client: writerClient, project: p, names: tables }),
          promote: 'when-closed',
        },
      });
    },
    async pubsubPublisher(topic, project, source) {
      const { createPubSubPublisher } = await import('./pubsub-publisher.js');
      return createPubSubPublisher({ pubsub: await pubsubClient(project), topic, bucket: source.bucket });
    },
    async checkTopic(topic, project) {
      const pubsub = await pubsubClient(project);
      try {
        await (await import('./pubsub-publisher.js')).checkTopic(pubsub, topic);
      } finally {
        await pubsub.close().catch(() => undefined);
      }
    },
    async deadLetters(subscription, project) {
      const pubsub = await pubsubClient(project);
      const { openDeadLetters } = await import('./pubsub-dead-letters.js');
      const opened = await openDeadLetters(pubsub, subscription).catch(async (error: unknown) => {
        await pubsub.close().catch(() => undefined);
        throw error;
      });
      if (!opened) await pubsub.close().catch(() => undefined);
      return opened;
    },
  };
}

/** A real client's options: the project, and the key file `env` names (else ADC finds one). */
export function clientOptions(
  env: NodeJS.ProcessEnv,
  project: string | undefined,
): { projectId?: string; keyFilename?: string } {
  return {
    ...(project ? { projectId: project } : {}),
    ...(env.GOOGLE_APPLICATION_CREDENTIALS ? { keyFilename: env.GOOGLE_APPLICATION_CREDENTIALS } : {}),
  };
}
