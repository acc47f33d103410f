import type { Message, PubSub, Subscription } from '@google-cloud/pubsub';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseStorageNotification } from '../../src/core/layout/storage-notification.js';
import { emulatorPubSub } from '../../src/gcp/gcp-clients.js';
import { createPubSubPublisher } from '../../src/gcp/pubsub-publisher.js';
import type { SourceObject } from '../../src/ports/source.js';
import { emulatorsAvailable, startPubSub, type RunningEmulator } from '../helpers/emulators.js';
import { until } from '../helpers/until.js';

const BUCKET = 'analytics-events';

function objects(n: number, tag: string): SourceObject[] {
  return Array.from({ length: n }, (_, i) => ({
    name: `data_type=json/analytics_environment=staging/event_category=c${i % 7}/event_ds=2024-03-0${(i % 9) + 1}/event_time=0-8/${tag}/${String(i).padStart(6, '0')}`,
    size: 100 + i,
    generation: String(1700000000000000 + i),
    updated: '2024-03-01T00:00:00.000Z',
  }));
}

/** Collects every message a subscription delivers, acking each. */
function collect(sub: Subscription): {
  messages: Map<string, Message[]>;
  waitFor: (n: number, ms: number) => Promise<void>;
  close: () => Promise<void>;
} {
  const messages = new Map<string, Message[]>();
  let total = 0;
  sub.on('message', (m: Message) => {
    m.ack();
    const key = m.attributes.objectId ?? '?';
    messages.set(key, [...(messages.get(key) ?? []), m]);
    total++;
  });
  sub.on('error', () => undefined);
  return {
    messages,
    async waitFor(n, ms) {
      await until(() => total >= n, ms, `${n} messages`, 100).catch(() => undefined); // the counts are checked after
      // a little longer, to see any duplicate arrive
      await new Promise((r) => setTimeout(r, 500));
    },
    close: () => sub.close(),
  };
}

describe.skipIf(!emulatorsAvailable('Pub/Sub publisher', ['pubsub']))(
  'Pub/Sub publisher against the Pub/Sub emulator',
  () => {
    let emu: RunningEmulator;
    let pubsub: PubSub;

    beforeAll(async () => {
      emu = await startPubSub();
      pubsub = emulatorPubSub(emu.endpoint, emu.project);
    }, 120_000);

    afterAll(async () => {
      await pubsub?.close().catch(() => undefined);
      await emu?.stop();
    });

    it('publishes 10,000 file notifications, each pulled back exactly once in the GCS shape', async () => {
      const [topic] = await pubsub.createTopic('backfill-10k');
      const [sub] = await topic.createSubscription('backfill-10k-sub', {
        ackDeadlineSeconds: 60,
        flowControl: { maxMessages: 5000 },
      });
      const inbox = collect(sub);
      const files = objects(10_000, 'bulk');
      const publisher = createPubSubPublisher({ pubsub, topic: 'backfill-10k', bucket: BUCKET });
      expect(publisher.url).toBe(`pubsub:projects/${emu.project}/topics/backfill-10k`);
      const ids = new Set<string>();
      // The engine keeps `concurrency` sends in flight; do the same here.
      let next = 0;
      await Promise.all(
        Array.from({ length: publisher.concurrency }, async () => {
          while (next < files.length) {
            const f = files[next++]!;
            const r = await publisher.send(f, 'run-1');
            if (r.status !== 'published') throw new Error('not published');
            ids.add(r.messageId);
          }
        }),
      );
      await publisher.close();
      expect(ids.size).toBe(files.length);
      await inbox.waitFor(files.length, 90_000);
      await inbox.close();
      expect(inbox.messages.size).toBe(files.length);
      for (const f of files) {
        const got = inbox.messages.get(f.name);
        expect(got?.length, f.name).toBe(1);
      }
      const sample = inbox.messages.get(files[1234]!.name)![0]!;
      expect(sample.attributes).toEqual({
        eventType: 'OBJECT_FINALIZE',
        payloadFormat: 'JSON_API_V1',
        bucketId: BUCKET,
        objectId: files[1234]!.name,
        objectGeneration: files[1234]!.generation,
        notificationConfig: `projects/_/buckets/${BUCKET}/notificationConfigs/backfill`,
        eventTime: '2024-03-01T00:00:00.000Z',
        backfillRunId: 'run-1',
      });
      const body = JSON.parse(sample.data.toString('utf8')) as Record<string, unknown>;
      expect(body).toMatchObject({
        kind: 'storage#object',
        id: `${BUCKET}/${files[1234]!.name}/${files[1234]!.generation}`,
        name: files[1234]!.name,
        bucket: BUCKET,
        generation: files[1234]!.generation,
        metageneration: '1',
        size: String(files[1234]!.size),
        updated: '2024-03-01T00:00:00.000Z',
      });
      expect(typeof body.selfLink).toBe('string');
      expect(typeof body.timeCreated).toBe('string');
      expect(typeof body.contentType).toBe('string');
      const parsed = parseStorageNotification({ data: sample.data, attributes: sample.attributes });
      expect(parsed).toMatchObject({
        bucket: BUCKET,
        name: files[1234]!.name,
        generation: files[1234]!.generation,
        backfillRunId: 'run-1',
      });
    }, 180_000);

    it('when the emulator stops mid-publish, rejects exactly the files that did not go out', async () => {
      // Its own emulator, since this one gets stopped.
      const own = await startPubSub();
      const client = emulatorPubSub(own.endpoint, own.project);
      try {
        const [topic] = await client.createTopic('interrupted');
        const [sub] = await topic.createSubscription('interrupted-sub', { ackDeadlineSeconds: 60 });
        const inbox = collect(sub);
        const files = objects(2000, 'cut');
        const publisher = createPubSubPublisher({
          pubsub: client,
          topic: 'interrupted',
          bucket: BUCKET,
          concurrency: 500,
          batchMaxMessages: 50,
          retryTotalTimeoutMs: 2000,
          rpcTimeoutMs: 1000,
        });
        const published = new Map<string, string>();
        const failed = new Set<string>();
        // Warm up: the first 300 go out and arrive before anything is stopped.
        await Promise.all(
          files.slice(0, 300).map(async (f) => {
            const r = await publisher.send(f, 'run-cut');
            if (r.status === 'published') published.set(f.name, r.messageId);
          }),
        );
        await inbox.waitFor(300, 30_000);
        expect(inbox.messages.size).toBe(300);
        let next = 300;
        let stopping: Promise<void> | undefined;
        await Promise.all(
          Array.from({ length: publisher.concurrency }, async () => {
            while (next < files.length) {
              const f = files[next++]!;
              // Sends already in flight race the stop; later ones start once it is done, so the
              // cut lands mid-run however loaded the machine is.
              if (stopping) await stopping;
              try {
                const r = await publisher.send(f, 'run-cut');
                if (r.status === 'published') published.set(f.name, r.messageId);
              } catch {
                failed.add(f.name);
              }
              // Stop the emulator under the publisher while the other sends are in flight.
              if (published.size >= 600 && !stopping) stopping = own.stop();
            }
          }),
        );
        await stopping;
        await publisher.close();
        // Every file settled exactly once: published or failed, never both, never neither.
        expect(published.size + failed.size).toBe(files.length);
        for (const name of failed) expect(published.has(name)).toBe(false);
        expect(published.size).toBeGreaterThanOrEqual(600);
        expect(failed.size).toBeGreaterThan(0);
        // Nothing the subscriber received is counted as failed: a rejected file did not go out.
        for (const name of inbox.messages.keys()) expect(failed.has(name), name).toBe(false);
        // The subscriber saw (most of) what went out before the stop; messages accepted in the
        // last instant may die with the emulator before delivery, never the other way round.
        expect(inbox.messages.size).toBeGreaterThanOrEqual(300);
        expect(inbox.messages.size).toBeLessThanOrEqual(published.size);
        for (const [name, got] of inbox.messages) expect(published.get(name), name).toBe(got[0]!.id);
        await own.stop();
      } finally {
        await own.stop();
        // The clients would keep retrying the dead emulator; do not wait for them.
        void client.close().catch(() => undefined);
      }
    }, 180_000);
  },
);
