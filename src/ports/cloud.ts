import type { DeadLetters } from './dead-letters.js';
import type { Publisher } from './publisher.js';
import type { Source } from './source.js';
import type { Warehouse } from './warehouse.js';

/**
 * How the CLI reaches Google Cloud. The clients are imported lazily, so a folder-to-DuckDB run
 * (and the wizard's first screen) never pays for loading them. Tests pass factories that point
 * the same implementations at the emulators.
 */
export interface CloudFactories {
  gcsSource(bucket: string, project: string | undefined): Promise<Source>;
  bigQueryWarehouse(project: string | undefined, options: { readOnly: boolean }): Promise<Warehouse>;
  pubsubPublisher(topic: string, project: string | undefined, source: Source): Promise<Publisher>;
  /**
   * Refuses a topic that does not exist, before any work. Resolves when it exists, or when the
   * credentials may publish but not look the topic up (roles/pubsub.publisher alone).
   */
  checkTopic(topic: string, project: string | undefined): Promise<void>;
  /** A dead-letter subscription to read while following a run; undefined when it does not exist. */
  deadLetters?(subscription: string, project: string | undefined): Promise<DeadLetters | undefined>;
}
