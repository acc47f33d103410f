/**
 * Issue 25: an operator's command line from the replaced Beam script runs as it was written: its
 * `--flag=value` forms, its key file (`--local-sa-key`) and its runner (`--execution-environment`).
 */
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Message } from '@google-cloud/pubsub';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { partitionPrefix } from '../../src/core/layout/partition-layout.js';
import { emulatorPubSub, emulatorStorage } from '../../src/gcp/gcp-clients.js';
import { FAKE_SECRETS } from '../faults/fake-secrets.js';
import {
  emulatorsAvailable,
  startBigQuery,
  startGcs,
  startPubSub,
  type RunningEmulator,
} from '../helpers/emulators.js';
import { runCli } from '../helpers/run-cli.js';
import { until } from '../helpers/until.js';

const FILES = 6;

describe.skipIf(!emulatorsAvailable('the Beam script’s command line', ['gcs', 'pubsub', 'bigquery']))(
  'the Beam script’s command line',
  () => {
    let emus: RunningEmulator[] = [];
    let env: NodeJS.ProcessEnv;
    const received: string[] = [];
    const work = mkdtempSync(join(tmpdir(), 'cli-seed-'));

    beforeAll(async () => {
      const [gcs, ps, bq] = await Promise.all([startGcs(), startPubSub(), startBigQuery()]);
      emus = [gcs, ps, bq];
      const storage = emulatorStorage(gcs.endpoint);
      await storage.createBucket('events');
      for (let i = 0; i < FILES; i++) {
        const name = `${partitionPrefix({ dataType: 'json', environment: 'live', category: 'shop', ds: '2026-03-01', time: '8-16' })}s/f${i}`;
        await storage.bucket('events').file(name).save('{"eventClass":"a","eventId":"e"}\n', { resumable: false });
      }
      const pubsub = emulatorPubSub(ps.endpoint, ps.project);
      const [topic] = await pubsub.createTopic('analytics-ingest');
      const [sub] = await topic.createSubscription('ingest-sub', { ackDeadlineSeconds: 60 });
      sub.on('message', (m: Message) => {
        m.ack();
        received.push(m.attributes.objectId ?? '?');
      });
      sub.on('error', () => undefined);
      env = {
        STORAGE_EMULATOR_ENDPOINT: gcs.endpoint,
        PUBSUB_EMULATOR_HOST: ps.endpoint,
        PUBSUB_PROJECT_ID: ps.project,
        BIGQUERY_EMULATOR_ENDPOINT: bq.endpoint,
        BIGQUERY_EMULATOR_GRPC: bq.grpc,
        BIGQUERY_EMULATOR_PROJECT: bq.project,
      };
    }, 180_000);

    afterAll(async () => {
      await Promise.all(emus.map((e) => e.stop()));
    });

    const seedCommand = (key: string) => [
      `--local-sa-key=${key}`,
      '--execution-environment=DataflowRunner',
      '--gcs-bucket=gs://events',
      '--topic=analytics-ingest',
      '--gcp=local-project',
      '--analytics-environment=live',
      '--event-category=shop',
      '--event-ds-start=2026-03-01',
      '--event-ds-stop=2026-03-01',
      `--record-dir=${join(work, 'runs')}`,
      '--yes',
    ];

    it('refuses a key file it cannot read, in one line, before any work', async () => {
      const r = await runCli(seedCommand(join(work, 'missing.json')), env);
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split('\n').at(-1)).toBe(
        `analytics-backfill: --local-sa-key: cannot read a key file at ${join(work, 'missing.json')} (ENOENT). Pass the JSON key of a service account.`,
      );
      expect(readdirSync(work)).toEqual([]);
    });

    it('publishes one notification per file, as pasted', async () => {
      const key = join(work, 'key.json');
      writeFileSync(key, JSON.stringify(FAKE_SECRETS.serviceAccount));
      const r = await runCli(seedCommand(key), env);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toContain(
        'analytics-backfill: --execution-environment DataflowRunner changes nothing here: the backfill runs on this machine',
      );
      await until(() => received.length >= FILES, 30_000, `${FILES} messages`, 100);
      expect(new Set(received).size).toBe(FILES);
      expect(received.every((name) => name.includes('event_time=8-16/s/f'))).toBe(true);
    }, 120_000);
  },
);
