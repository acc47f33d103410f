/**
 * Issue 30: the dead-letter reader `--follow` uses, against the Pub/Sub emulator. A push
 * subscription whose endpoint always fails, with a dead-letter topic and its `-dead-hold`
 * subscription as docs/function.md creates them: after the subscription's attempts each message is
 * dead-lettered, and the reader hands back its file, run and delivery count.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { PubSub } from '@google-cloud/pubsub';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emulatorPubSub } from '../../src/gcp/gcp-clients.js';
import { openDeadLetters } from '../../src/gcp/pubsub-dead-letters.js';
import type { DeadLetter } from '../../src/ports/dead-letters.js';
import { emulatorsAvailable, startPubSub, type RunningEmulator } from '../helpers/emulators.js';

describe.skipIf(!emulatorsAvailable('dead letters on the Pub/Sub emulator', ['pubsub']))('openDeadLetters', () => {
  let emu: RunningEmulator;
  let pubsub: PubSub;
  const failing = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.statusCode = 500;
      res.end('failing on purpose');
    });
  });

  beforeAll(async () => {
    emu = await startPubSub();
    pubsub = emulatorPubSub(emu.endpoint, emu.project);
    await new Promise<void>((resolve) => failing.listen(0, '127.0.0.1', resolve));
  }, 120_000);

  afterAll(async () => {
    failing.close();
    await pubsub?.close().catch(() => undefined);
    await emu?.stop();
  });

  it('reads each dead-lettered notification with its file, run and delivery count; a missing subscription is undefined', async () => {
    const [topic] = await pubsub.createTopic('ingest-trigger');
    const [dead] = await pubsub.createTopic('ingest-trigger-dead');
    await dead.createSubscription('ingest-trigger-dead-hold');
    await topic.createSubscription('ingest-push', {
      pushConfig: { pushEndpoint: `http://127.0.0.1:${(failing.address() as AddressInfo).port}/` },
      deadLetterPolicy: { deadLetterTopic: dead.name, maxDeliveryAttempts: 5 },
      retryPolicy: { minimumBackoff: { seconds: 0 }, maximumBackoff: { seconds: 1 } },
      ackDeadlineSeconds: 600,
    });
    expect(await openDeadLetters(emulatorPubSub(emu.endpoint, emu.project), 'no-such-subscription')).toBeUndefined();
    const reader = (await openDeadLetters(emulatorPubSub(emu.endpoint, emu.project), 'ingest-trigger-dead-hold'))!;
    try {
      for (const [name, run] of [
        ['data_type=json/a', 'run-1'],
        ['data_type=json/b', 'run-2'],
      ])
        await topic.publishMessage({
          data: Buffer.from('{}'),
          attributes: { objectId: name!, objectGeneration: '7', backfillRunId: run! },
        });
      const got: DeadLetter[] = [];
      const deadline = Date.now() + 90_000;
      while (got.length < 2 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 250));
        got.push(...reader.take());
      }
      for (const letter of got) letter.ack();
      expect(got.map(({ ack: _ack, ...rest }) => rest).sort((x, y) => x.name.localeCompare(y.name))).toEqual([
        { name: 'data_type=json/a', generation: '7', runId: 'run-1', deliveries: 5 },
        { name: 'data_type=json/b', generation: '7', runId: 'run-2', deliveries: 5 },
      ]);
    } finally {
      await reader.close();
    }
  }, 150_000);
});
