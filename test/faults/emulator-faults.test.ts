/**
 * Issue #6, faults against the real emulators: the deployable ingest function, served by the
 * functions framework, loses BigQuery in the middle of a file, then Cloud Storage in the middle of
 * reading one. Each time the invocation fails (so the trigger retries it), nothing is marked
 * ingested, and the retry, once the service is back, lands the file exactly once.
 * The function runs with fake credentials in its environment; none may reach a log line or a row.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BigQuery } from '@google-cloud/bigquery';
import type { Storage } from '@google-cloud/storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_TABLE_NAMES } from '../../src/core/schema/table-schemas.js';
import { createBigQueryWarehouse } from '../../src/gcp/bigquery/bigquery-warehouse.js';
import { emulatorBigQuery, emulatorStorage } from '../../src/gcp/gcp-clients.js';
import { buildFunction, serveFunction, type FunctionServer } from '../function/function-server.js';
import { emulatorsAvailable, freePort } from '../helpers/emulators.js';
import { FAKE_SECRETS, fakeCredentialsEnv } from './fake-secrets.js';
import { restartableBigQuery, restartableGcs, type Restartable } from './restartable-emulator.js';
import { until } from '../helpers/until.js';
import { postStorageEvent } from '../function/storage-event.js';

const BUCKET = 'fault-events';
const dir = (category: string) =>
  `data_type=json/analytics_environment=live/event_category=${category}/event_ds=2026-03-02/event_time=8-16/session-f/`;
const md5 = (name: string) => createHash('md5').update(name.split('/').slice(-2).join('/')).digest('hex');

/** `n` events of about 200 bytes, and `bad` lines that are not JSON spread among them. */
function bigFile(tag: string, n: number, bad: number): string {
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    lines.push(
      JSON.stringify({
        eventClass: 'progression',
        eventId: `${tag}-${i}`,
        eventIndex: i,
        eventTimestamp: 1772445600 + i,
        eventAttributes: { pad: 'p'.repeat(120) },
      }),
    );
    if (i % Math.floor(n / bad) === 0 && lines.length < n + bad) lines.push(`not json ${tag} ${i}`);
  }
  return `${lines.join('\n')}\n`;
}

describe.skipIf(!emulatorsAvailable('faults against the emulators', ['gcs', 'bigquery']))(
  'faults against the emulators',
  () => {
    let bq: Restartable;
    let gcs: Restartable;
    let storage: Storage;
    let bigquery: BigQuery;
    let fn: FunctionServer;

    /** One delivery of the object's finalize event, as Eventarc sends it; resolves with the HTTP status. */
    const deliver = async (name: string, id: string): Promise<number> => {
      const [md] = await storage.bucket(BUCKET).file(name).getMetadata();
      const [generation, size] = [String(md.generation), String(md.size)];
      return postStorageEvent(fn.port, { bucket: BUCKET, name, generation, size, id }, 400_000);
    };
    /**
     * The retry once the service is back, as Pub/Sub makes it: the same event delivered again until the
     * function accepts it, at most 5 times (the dead-letter policy's attempts, docs/function.md), a
     * second apart. One CI run (2026-12-07) saw the first retry after BigQuery's restart answer 500
     * (not reproduced in 8 runs here, under load or after a 60 s outage); each refusal is printed with
     * the function's last lines, so the next such run shows why.
     */
    const redeliver = async (name: string, id: string): Promise<number> => {
      let status = 0;
      for (let attempt = 1; attempt <= 5; attempt++) {
        status = await deliver(name, id);
        if (status < 300) return status;
        console.warn(`delivery ${attempt} of ${id} answered ${status}:\n${fn.output().slice(-2000)}`);
        await new Promise((r) => setTimeout(r, 1000));
      }
      return status;
    };
    const count = async (sql: string) => {
      try {
        const [rows] = await bigquery.query({ query: sql, useLegacySql: false });
        return Number((rows as { n: unknown }[])[0]?.n);
      } catch (error) {
        if (/not found/i.test(String(error))) return 0; // before the function's first write
        throw error;
      }
    };
    /** Rows of the file in the staging table (the function stages; promotions land). */
    const staged = (name: string) =>
      count(
        `SELECT count(*) AS n FROM logs.events_staging_function WHERE file_path = 'gs://${BUCKET}/${name}' AND kind = 'event'`,
      );
    /** What Cloud Scheduler does every minute: promote every complete staged file. */
    const promote = () =>
      createBigQueryWarehouse({
        bigquery,
        tables: DEFAULT_TABLE_NAMES,
        staging: {
          appender: () => ({ append: async () => undefined, close: async () => undefined }),
          promote: 'when-closed',
        },
      }).promoteNow();
    const events = (name: string) =>
      count(`SELECT count(*) AS n FROM events.events_function WHERE batch_id = '${md5(name)}'`);
    const ledger = (name: string) =>
      count(
        `SELECT count(*) AS n FROM logs.events_logs_function WHERE file_path = 'gs://${BUCKET}/${name}' AND STARTS_WITH(event, 'ingested')`,
      );
    const waitFor = (check: () => Promise<boolean>, what: string, timeoutMs = 300_000) =>
      until(check, timeoutMs, () => `${what}:\n${fn.output().slice(-3000)}`, 100);

    /** The file lands once: every event once, every bad line once, one parse_initiated and one ledger row. */
    const expectLandedOnce = async (name: string, n: number, bad: number) => {
      await promote();
      expect(await events(name)).toBe(n);
      expect(
        await count(`SELECT count(DISTINCT event_id) AS n FROM events.events_function WHERE batch_id = '${md5(name)}'`),
      ).toBe(n);
      expect(await count(`SELECT count(*) AS n FROM logs.events_debug_function WHERE batch_id = '${md5(name)}'`)).toBe(
        bad,
      );
      expect(
        await count(
          `SELECT count(*) AS n FROM logs.events_logs_function WHERE batch_id = '${md5(name)}' AND event = 'parse_initiated'`,
        ),
      ).toBe(1);
      expect(await ledger(name)).toBe(1);
      expect(
        await count(
          `SELECT count(*) AS n FROM logs.events_logs_function WHERE batch_id = '${md5(name)}' AND event = 'ingested: ${n} events, ${bad} debug rows'`,
        ),
      ).toBe(1);
    };

    beforeAll(async () => {
      [bq, gcs] = await Promise.all([restartableBigQuery(), restartableGcs()]);
      storage = emulatorStorage(gcs.endpoint);
      bigquery = emulatorBigQuery(bq.endpoint, 'local-project');
      await storage.createBucket(BUCKET);
      const credentials = join(mkdtempSync(join(tmpdir(), 'fake-creds-')), 'sa.json');
      writeFileSync(credentials, JSON.stringify(FAKE_SECRETS.serviceAccount));
      fn = await serveFunction({
        source: buildFunction(),
        port: await freePort(),
        env: {
          STORAGE_EMULATOR_ENDPOINT: gcs.endpoint,
          BIGQUERY_EMULATOR_ENDPOINT: bq.endpoint,
          BIGQUERY_EMULATOR_GRPC: bq.grpc,
          BIGQUERY_EMULATOR_PROJECT: 'local-project',
          GOOGLE_CLOUD_PROJECT: 'local-project',
          ALLOWED_BUCKETS: BUCKET,
          JOB_NAME: 'fault-test',
          LOG_LEVEL: 'DEBUG',
          GCS_READ_IDLE_MS: '5000', // a download that stalls fails after 5 s (default 60 s)
          WRITE_API_ACK_MS: '3000', // an append to a BigQuery that is gone is abandoned after 3 s (default 30 s)
          ...fakeCredentialsEnv(credentials),
        },
      });
    }, 180_000);

    afterAll(async () => {
      await fn?.stop();
      await Promise.all([bq?.stop(), gcs?.stop()]);
    });

    it('BigQuery stopped mid-file: the invocation fails, nothing is marked ingested; the retry lands the file once', async () => {
      const name = `${dir('bq-stop')}20260302T090000Z-000001`;
      const [n, bad] = [30_000, 3];
      await storage
        .bucket(BUCKET)
        .file(name)
        .save(bigFile('bq', n, bad), { resumable: false });
      const first = deliver(name, 'bq-stop-1');
      await waitFor(async () => (await staged(name)) > 0, 'the first part of the file staged');
      await bq.kill();
      expect(await first).toBe(500);
      expect(fn.entries.some((e) => e.outcome === 'retry' && String(e.file).endsWith(name))).toBe(true);

      await bq.start();
      const partial = await staged(name);
      expect(partial).toBeGreaterThan(0);
      expect(partial).toBeLessThan(n);
      await promote(); // an attempt without its marker is never promoted
      expect(await events(name)).toBe(0);
      expect(await ledger(name)).toBe(0);

      expect(await redeliver(name, 'bq-stop-2'), fn.output().slice(-4000)).toBeLessThan(300);
      await expectLandedOnce(name, n, bad);
      // A third delivery (a late duplicate) adds nothing.
      expect(await deliver(name, 'bq-stop-3'), fn.output().slice(-4000)).toBeLessThan(300);
      await expectLandedOnce(name, n, bad);
    }, 600_000);

    it('Cloud Storage stopped mid-read: the invocation fails on the read, nothing is marked ingested; the retry lands the file once', async () => {
      const name = `${dir('gcs-stop')}20260302T090000Z-000002`;
      const [n, bad] = [60_000, 4];
      await storage
        .bucket(BUCKET)
        .file(name)
        .save(bigFile('gcs', n, bad), { resumable: false });
      const first = deliver(name, 'gcs-stop-1');
      await waitFor(async () => (await staged(name)) > 0, 'the first part of the file staged');
      await gcs.kill();
      expect(await first).toBe(500);
      const failure = fn.entries.find((e) => e.outcome === 'retry' && String(e.file).endsWith(name));
      expect(failure, fn.output().slice(-3000)).toBeDefined();
      expect(String(failure?.message)).toContain('no data for 5000 ms; the read was abandoned');
      await promote();
      expect(await ledger(name)).toBe(0);
      expect(await staged(name)).toBeLessThan(n);
      expect(await events(name)).toBe(0);

      await gcs.start();
      expect(await redeliver(name, 'gcs-stop-2'), fn.output().slice(-4000)).toBeLessThan(300);
      await expectLandedOnce(name, n, bad);
    }, 600_000);

    it('no fake credential or token appears in any log line, or in any row written', async () => {
      const output = fn.output();
      expect(output.length).toBeGreaterThan(1000);
      for (const secret of FAKE_SECRETS.strings) expect(output).not.toContain(secret);
      expect(output).not.toMatch(/authorization|bearer /i);
      for (const secret of FAKE_SECRETS.strings) {
        expect(
          await count(
            `SELECT count(*) AS n FROM logs.events_logs_function WHERE STRPOS(event, '${secret}') > 0 OR STRPOS(job_name, '${secret}') > 0`,
          ),
        ).toBe(0);
      }
    });
  },
);
