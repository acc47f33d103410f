/**
 * Issue #23: a direct `--warehouse bigquery` backfill stages every file, then promotes them at its
 * end. BigQuery away during that promotion: the run waits for it (saying so), and when it does not
 * come back the run ends "staged, not yet landed" (exit 1, the run record says so), and its
 * `--resume` lands every file once. Back within the wait: the run lands everything, exit 0.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BigQuery } from '@google-cloud/bigquery';
import type { Storage } from '@google-cloud/storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emulatorBigQuery, emulatorStorage } from '../../src/gcp/gcp-clients.js';
import { emulatorsAvailable, startGcs, type RunningEmulator } from '../helpers/emulators.js';
import { BIN, runCli, type CliResult } from '../helpers/run-cli.js';
import { restartableBigQuery, type Restartable } from './restartable-emulator.js';

const BUCKET = 'final-promotion';
const FILES = 40;
const EVENTS = 5;
const name = (day: string, i: number) =>
  `data_type=json/analytics_environment=live/event_category=c/event_ds=${day}/event_time=8-16/s/f${i}`;

describe.skipIf(!emulatorsAvailable('a direct run whose final promotion meets BigQuery down', ['gcs', 'bigquery']))(
  'a direct BigQuery run whose final promotion meets BigQuery down',
  () => {
    let bq: Restartable;
    let gcs: RunningEmulator;
    let storage: Storage;
    let bigquery: BigQuery;
    let env: NodeJS.ProcessEnv;
    const records = mkdtempSync(join(tmpdir(), 'final-promotion-records-'));
    const args = (day: string) => [
      '--gcs-bucket',
      `gs://${BUCKET}`,
      '--warehouse',
      'bigquery:local-project',
      '-e',
      'live',
      '-c',
      'all',
      '-s',
      day,
      '-u',
      day,
      '--yes',
      '--record-dir',
      records,
    ];

    /** Runs the CLI; `onLanding` is called once it says it promotes what it staged. */
    const run = (argv: string[], onLanding: (line: string) => void) =>
      new Promise<CliResult>((resolve, reject) => {
        const child = spawn(process.execPath, [BIN, ...argv], {
          env: { ...process.env, ...env },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
        child.stderr.on('data', (d: Buffer) => {
          const before = stderr;
          stderr += d.toString();
          for (const line of stderr.slice(before.lastIndexOf('\n') + 1).split('\n'))
            if (/^Landing \d+ staged files/.test(line) && !before.includes(line)) onLanding(line);
        });
        child.on('error', reject);
        child.on('close', (code) => resolve({ code, stdout, stderr }));
      });
    const count = async (sql: string) => {
      const [rows] = await bigquery.query({ query: sql, useLegacySql: false });
      return Number((rows as { n: unknown }[])[0]?.n);
    };
    /** Each file of the day landed once: its events once each, one ledger row. */
    const expectLandedOnce = async (day: string) => {
      const prefix = `gs://${BUCKET}/${name(day, 0).replace(/f0$/, '')}`;
      expect(
        await count(
          `SELECT count(*) AS n FROM logs.events_logs_function WHERE STARTS_WITH(file_path, '${prefix}') AND STARTS_WITH(event, 'ingested')`,
        ),
      ).toBe(FILES);
      expect(
        await count(`SELECT count(*) AS n FROM events.events_function WHERE STARTS_WITH(event_id, '${day}-')`),
      ).toBe(FILES * EVENTS);
      expect(
        await count(
          `SELECT count(DISTINCT event_id) AS n FROM events.events_function WHERE STARTS_WITH(event_id, '${day}-')`,
        ),
      ).toBe(FILES * EVENTS);
    };

    beforeAll(async () => {
      [bq, gcs] = await Promise.all([restartableBigQuery(), startGcs()]);
      storage = emulatorStorage(gcs.endpoint);
      bigquery = emulatorBigQuery(bq.endpoint, 'local-project');
      await storage.createBucket(BUCKET);
      for (const day of ['2026-03-04', '2026-03-05']) {
        const at = Date.parse(`${day}T09:00:00Z`) / 1000;
        for (let i = 0; i < FILES; i++) {
          const lines = Array.from({ length: EVENTS }, (_, e) =>
            JSON.stringify({ eventClass: 'c', eventId: `${day}-${i}-${e}`, eventIndex: e, eventTimestamp: at + e }),
          );
          await storage
            .bucket(BUCKET)
            .file(name(day, i))
            .save(`${lines.join('\n')}\n`, { resumable: false });
        }
      }
      env = {
        STORAGE_EMULATOR_ENDPOINT: gcs.endpoint,
        BIGQUERY_EMULATOR_ENDPOINT: bq.endpoint,
        BIGQUERY_EMULATOR_GRPC: bq.grpc,
        BIGQUERY_EMULATOR_PROJECT: 'local-project',
        GOOGLE_CLOUD_PROJECT: 'local-project',
        ANALYTICS_BACKFILL_WAIT_SECONDS: '6',
      };
    }, 180_000);

    afterAll(async () => {
      await Promise.all([bq?.stop(), gcs?.stop()]);
    });

    it('BigQuery stays away: "staged, not yet landed", exit 1, recorded so; --resume lands every file once', async () => {
      const day = '2026-03-04';
      let killed: Promise<void> | undefined;
      const first = await run(args(day), () => (killed ??= bq.kill()));
      await killed;
      expect(first.code, first.stderr).toBe(1);
      expect(first.stderr).toMatch(/Still trying to reach BigQuery/);
      expect(first.stdout).toMatch(new RegExp(`${FILES} staged, not yet landed`));
      expect(first.stdout).toMatch(new RegExp(`${FILES} files are staged but not landed: could not reach BigQuery`));
      expect(first.stdout).toMatch(new RegExp(`${FILES * EVENTS} events staged for events.events_function`));
      expect(first.stdout).not.toMatch(/events landed/);
      const recordPath = /Run record: (\S+)/.exec(first.stdout)?.[1] ?? '';
      const end = readFileSync(recordPath, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { type: string; counts?: Record<string, number>; promotionError?: string })
        .find((l) => l.type === 'end');
      expect(end?.counts).toMatchObject({ ingested: 0, staged: FILES, failed: 0 });
      expect(end?.promotionError).toMatch(/could not reach BigQuery/);

      await bq.start();
      const resume = await runCli(['--resume', recordPath, '--yes', '--record-dir', records], env);
      expect(resume.code, resume.stderr + resume.stdout).toBe(0);
      await expectLandedOnce(day);
    }, 300_000);

    it('BigQuery back within the wait: the run says it is still trying, then lands every file (exit 0)', async () => {
      const day = '2026-03-05';
      let back: Promise<void> | undefined;
      const result = await run([...args(day)], () => {
        back ??= (async () => {
          await bq.kill();
          await new Promise((r) => setTimeout(r, 2500));
          await bq.start();
        })();
      });
      await back;
      expect(result.code, result.stderr).toBe(0);
      expect(result.stderr).toMatch(/Still trying to reach BigQuery/);
      expect(result.stdout).toMatch(new RegExp(`Done in .*: ${FILES} ingested, 0 failed`));
      await expectLandedOnce(day);
    }, 300_000);
  },
);
