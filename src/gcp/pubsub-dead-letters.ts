import type { Message, PubSub } from '@google-cloud/pubsub';
import type { DeadLetter, DeadLetters } from '../ports/dead-letters.js';

/**
 * Reads a dead-letter subscription (docs/function.md creates `TOPIC-dead-hold`) while `--follow`
 * runs: messages are kept until the next `take`; those of other runs are left unacknowledged, so
 * they stay for whoever reads them next. Undefined when the subscription does not exist.
 */
export async function openDeadLetters(pubsub: PubSub, subscription: string): Promise<DeadLetters | undefined> {
  const sub = pubsub.subscription(subscription, { flowControl: { maxMessages: 1000, allowExcessMessages: false } });
  const [exists] = await sub.exists();
  if (!exists) return undefined;
  let queue: DeadLetter[] = [];
  sub.on('message', (m: Message) => {
    const a = m.attributes;
    if (a.objectId === undefined || a.objectGeneration === undefined) return; // not a notification of ours
    const deliveries = Number(a.CloudPubSubDeadLetterSourceDeliveryCount);
    queue.push({
      name: a.objectId,
      generation: a.objectGeneration,
      ...(a.backfillRunId !== undefined ? { runId: a.backfillRunId } : {}),
      ...(Number.isFinite(deliveries) && deliveries > 0 ? { deliveries } : {}),
      ack: () => m.ack(),
    });
  });
  sub.on('error', () => undefined); // a read that fails leaves the dead letters where they are
  return {
    subscription: sub.name,
    take() {
      const taken = queue;
      queue = [];
      return taken;
    },
    async close() {
      await sub.close().catch(() => undefined);
      await pubsub.close().catch(() => undefined);
    },
  };
}
