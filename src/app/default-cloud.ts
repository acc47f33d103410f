import { gcpCloudFactories } from '../gcp/gcp-factories.js';
import type { CloudFactories } from '../ports/cloud.js';

/**
 * The real Google Cloud clients (or the emulators their variables point at), each imported only
 * when a gs:// bucket, BigQuery or a topic is used. See docs/emulators.md.
 */
export function defaultCloudFactories(env: NodeJS.ProcessEnv): CloudFactories {
  return gcpCloudFactories(env);
}
