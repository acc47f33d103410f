import type { SourceObject } from './source.js';

export type SendResult =
  | { status: 'published'; messageId: string }
  | { status: 'ingested'; events: number; debug: number }
  /** Accepted whole into a staging area (BigQuery); it lands when the publisher settles. */
  | { status: 'staged'; events: number; debug: number }
  | { status: 'already-ingested' };

/**
 * Where a backfill sends each selected file: a Pub/Sub topic (a notification the ingest function
 * handles) or direct ingestion into a warehouse. Implementations: `src/gcp/pubsub-publisher.ts`,
 * `src/engine/direct-publisher.ts`.
 */
export interface Publisher {
  /** `pubsub:projects/P/topics/T` or `direct:<warehouse url>`. */
  readonly url: string;
  /** How many `send` calls the engine keeps in flight at once. */
  readonly concurrency: number;
  /**
   * Sends one file. Resolves once it is durably out (acknowledged by Pub/Sub, or committed). Once
   * `signal` aborts (the run stops), a send that has not gone out may reject instead: nothing of its
   * file is out then (a file being ingested is rolled back), and the run counts it not sent.
   */
  send(object: SourceObject, runId: string, signal?: AbortSignal): Promise<SendResult>;
  /**
   * Lands what `send` staged (BigQuery: the run's promotion) and resolves once it landed. Called
   * once every send is done; it may be called again after it failed (what landed stays landed).
   */
  settle?(): Promise<void>;
  /** Waits for everything in flight and releases resources (after `settle`, it lands nothing). */
  close(): Promise<void>;
}
