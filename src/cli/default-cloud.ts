import { UserError } from '../core/errors.js';
import type { CloudFactories } from './cloud-factories.js';

/**
 * The real Google Cloud clients, imported only when a gs:// bucket, BigQuery or a topic is used.
 * Emulator endpoints come from the environment (see docs/emulators.md).
 */
export function defaultCloudFactories(_env: NodeJS.ProcessEnv): CloudFactories {
  const unavailable = async (): Promise<never> => {
    throw new UserError('Google Cloud support is not built in yet', 'Use a local folder and --warehouse duckdb:PATH.');
  };
  return { gcsSource: unavailable, bigQueryWarehouse: unavailable, pubsubPublisher: unavailable };
}
