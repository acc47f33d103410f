import { managedwriter } from '@google-cloud/bigquery-storage';
import { grpc } from 'google-gax';
import { UserError } from '../../core/errors.js';
import { dummyAuthClient } from '../emulator-auth.js';

/**
 * A Storage Write API client for bigquery-emulator's gRPC endpoint `host` (`127.0.0.1:PORT`, as in
 * BIGQUERY_EMULATOR_GRPC): plaintext, with the dummy token.
 */
export function emulatorWriterClient(host: string, projectId: string) {
  const [servicePath, port] = host.replace(/^https?:\/\//, '').split(':');
  return new managedwriter.WriterClient({
    servicePath,
    port: Number(port),
    sslCreds: grpc.credentials.createInsecure(),
    projectId,
    authClient: dummyAuthClient(),
  } as unknown as ConstructorParameters<typeof managedwriter.WriterClient>[0]);
}

/** The Storage Write API client: the emulator's gRPC port when the BigQuery emulator is in use, else Google's. */
export function bigQueryWriterClient(env: NodeJS.ProcessEnv, project: string | undefined) {
  if (env.BIGQUERY_EMULATOR_ENDPOINT) {
    if (!env.BIGQUERY_EMULATOR_GRPC) {
      throw new UserError(
        'BIGQUERY_EMULATOR_ENDPOINT is set but BIGQUERY_EMULATOR_GRPC is not',
        "Set BIGQUERY_EMULATOR_GRPC to the emulator's gRPC address (127.0.0.1:PORT, its --grpc-port): rows are staged through the Storage Write API.",
      );
    }
    return emulatorWriterClient(
      env.BIGQUERY_EMULATOR_GRPC,
      project ?? env.BIGQUERY_EMULATOR_PROJECT ?? 'local-project',
    );
  }
  return new managedwriter.WriterClient({
    ...(project ? { projectId: project } : {}),
    ...(env.GOOGLE_APPLICATION_CREDENTIALS ? { keyFilename: env.GOOGLE_APPLICATION_CREDENTIALS } : {}),
  });
}
