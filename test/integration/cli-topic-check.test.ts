import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Storage } from '@google-cloud/storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { partitionPrefix } from '../../src/core/layout/partition-layout.js';
import { emulatorStorage } from '../../src/gcp/gcp-clients.js';
import { emulatorsAvailable, startGcs, startPubSub, type RunningEmulator } from '../helpers/emulators.js';
import { runCli } from '../helpers/run-cli.js';

describe.skipIf(!emulatorsAvailable('the CLI checks its topic up front', ['gcs', 'pubsub']))(
  'a topic that does not exist',
  () => {
    let emus: RunningEmulator[] = [];
    let env: NodeJS.ProcessEnv;

    beforeAll(async () => {
      const [gcs, ps] = await Promise.all([startGcs(), startPubSub()]);
      emus = [gcs, ps];
      const storage: Storage = emulatorStorage(gcs.endpoint);
      await storage.createBucket('events');
      for (let i = 0; i < 5; i++) {
        const name = `${partitionPrefix({ dataType: 'json', environment: 'live', category: 'shop', ds: '2026-03-01', time: '0-8' })}s/f${i}`;
        await storage.bucket('events').file(name).save('{"eventId":"a"}\n', { resumable: false });
      }
      env = {
        STORAGE_EMULATOR_ENDPOINT: gcs.endpoint,
        PUBSUB_EMULATOR_HOST: ps.endpoint,
        PUBSUB_PROJECT_ID: ps.project,
      };
    }, 180_000);

    afterAll(async () => {
      await Promise.all(emus.map((e) => e.stop()));
    });

    it('is refused once, before any file, with the command that creates it; nothing created', async () => {
      const work = mkdtempSync(join(tmpdir(), 'cli-topic-'));
      const args = [
        '--gcs-bucket',
        'gs://events',
        '--topic',
        'ingest-typo',
        '-e',
        'live',
        '-c',
        'all',
        '-s',
        '2026-03-01',
        '-u',
        '2026-03-01',
        '--record-dir',
        join(work, 'runs'),
      ];
      for (const extra of [['--yes'], ['--dry-run']]) {
        const result = await runCli([...args, ...extra], env);
        expect(result.code).toBe(2);
        expect(result.stderr).toBe(
          'analytics-backfill: topic projects/local-project/topics/ingest-typo does not exist. ' +
            'Check --topic and --gcp, or create it: gcloud pubsub topics create ingest-typo --project local-project.\n',
        );
        expect(result.stdout).toBe('');
      }
      expect(readdirSync(work)).toEqual([]);
    });
  },
);
