import type { PubSub, Topic } from '@google-cloud/pubsub';
import { UserError } from '../core/errors.js';
import { buildStorageNotification, type NotifiedObject } from '../core/layout/storage-notification.js';
import type { Publisher, SendResult } from '../ports/publisher.js';
import type { SourceObject } from '../ports/source.js';

export interface PubSubPublisherOptions {
  pubsub: PubSub;
  /** `projects/P/topics/T`, or a bare topic id in the client's project. */
  topic: string;
  /** The bucket the notifications speak of (the source's bucket). */
  bucket: string;
  /** `notificationConfig` attribute; defaults to a backfill marker for the bucket. */
  notificationConfig?: string;
  /** `send` calls the engine keeps in flight; the client batches them. Default 1000. */
  concurrency?: number;
  /** Messages per publish request. Default 500 (Pub/Sub allows 1000). */
  batchMaxMessages?: number;
  /** How long a message may wait for its batch to fill. Default 20 ms. */
  batchMaxMilliseconds?: number;
  /** How long the client keeps retrying one publish request (with exponential backoff). Default 10 min. */
  retryTotalTimeoutMs?: number;
  /** Per-attempt deadline of a publish request. Default 60 s. */
  rpcTimeoutMs?: number;
}

/** gRPC codes the client retries a publish on (its defaults for Publish). */
const RETRY_CODES = [1, 2, 4, 8, 10, 13, 14]; // CANCELLED UNKNOWN DEADLINE_EXCEEDED RESOURCE_EXHAUSTED ABORTED INTERNAL UNAVAILABLE

/**
 * Refuses, once and up front, a topic that does not exist (else every file would fail on its own
 * with gRPC NOT_FOUND). A PERMISSION_DENIED on the lookup passes: roles/pubsub.publisher may publish
 * without being allowed to read the topic.
 */
export async function checkTopic(pubsub: PubSub, topic: string): Promise<void> {
  const t = pubsub.topic(topic);
  try {
    const [exists] = await t.exists();
    if (exists) return;
  } catch (error) {
    if ((error as { code?: unknown }).code === 7) return;
    throw error;
  }
  const [, project, id] = /^projects\/([^/]+)\/topics\/(.+)$/.exec(t.name) ?? [];
  throw new UserError(
    `topic ${t.name} does not exist`,
    `Check --topic and --gcp, or create it: gcloud pubsub topics create ${id ?? topic}${project ? ` --project ${project}` : ''}.`,
    2,
  );
}

/**
 * Publishes one OBJECT_FINALIZE notification per file to a topic the ingest function subscribes
 * to. The client batches and retries; `send` resolves with the message id once Pub/Sub has
 * acknowledged the message, and rejects once the client gives up on it, so every file is
 * accounted for exactly.
 */
export function createPubSubPublisher(opts: PubSubPublisherOptions): Publisher {
  const concurrency = opts.concurrency ?? 1000;
  const rpcTimeout = opts.rpcTimeoutMs ?? 60_000;
  // A bare id is left to the client, which fills in the project from ADC when it was not given.
  const topic: Topic = opts.pubsub.topic(opts.topic);
  const name = topic.name;
  topic.setPublishOptions({
    batching: {
      maxMessages: opts.batchMaxMessages ?? 500,
      maxMilliseconds: opts.batchMaxMilliseconds ?? 20,
      maxBytes: 9 * 1024 * 1024,
    },
    // Flow control: the engine keeps at most `concurrency` sends in flight, and each send is one
    // publishMessage whose own promise gives that file's message id (the client's
    // flowControlled() wrapper would not). These limits cap the client for any other user.
    flowControlOptions: { maxOutstandingMessages: concurrency * 2, maxOutstandingBytes: 256 * 1024 * 1024 },
    gaxOpts: {
      retry: {
        retryCodes: RETRY_CODES,
        backoffSettings: {
          initialRetryDelayMillis: 100,
          retryDelayMultiplier: 2,
          maxRetryDelayMillis: 30_000,
          initialRpcTimeoutMillis: rpcTimeout,
          rpcTimeoutMultiplier: 1,
          maxRpcTimeoutMillis: rpcTimeout,
          totalTimeoutMillis: opts.retryTotalTimeoutMs ?? 600_000,
        },
      },
    } as never,
  });
  const inFlight = new Set<Promise<unknown>>();
  let closed = false;

  return {
    url: `pubsub:${name}`,
    concurrency,
    async send(object: SourceObject, runId: string): Promise<SendResult> {
      if (closed) throw new Error(`publisher for ${name} is closed`);
      const message = buildStorageNotification(object as NotifiedObject, {
        bucket: opts.bucket,
        runId,
        ...(opts.notificationConfig ? { notificationConfig: opts.notificationConfig } : {}),
      });
      const p = topic.publishMessage({ data: message.data, attributes: message.attributes });
      inFlight.add(p);
      try {
        const messageId = await p;
        return { status: 'published', messageId };
      } finally {
        inFlight.delete(p);
      }
    },
    async close() {
      closed = true;
      await Promise.allSettled([...inFlight]);
      await topic.flush().catch(() => undefined);
    },
  };
}
