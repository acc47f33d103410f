/**
 * Issue #23, the function path as production runs it, on the emulators: the built `ingest` and
 * `promote` entries served by the functions framework, BigQuery that can be taken away and brought
 * back. A promote instance whose first call met BigQuery down promotes on its next call; refusals
 * land once however many promotions run; a landed file redelivered is acknowledged unread; a
 * notification with a generation that is not one is refused.
 */
import type { BigQuery } from '@google-cloud/bigquery';
import type { Storage } from '@google-cloud/storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emulatorBigQuery, emulatorStorage } from '../../src/gcp/gcp-clients.js';
import { buildFunction, serveFunction, type FunctionServer } from '../function/function-server.js';
import { emulatorsAvailable, freePort, startGcs, type RunningEmulator } from '../helpers/emulators.js';
import { restartableBigQuery, type Restartable } from './restartable-emulator.js';
import { postStorageEvent } from '../function/storage-event.js';

const BUCKET = 'path-events';
const dir = (category: string) =>
  `data_type=json/analytics_environment=live/event_category=${category}/event_ds=2026-03-03/event_time=0-8/s/`;
const event = (i: number, pad = 20) =>
  JSON.stringify({
    eventClass: 'c',
    eventId: `e-${i}`,
    eventIndex: i,
    eventTimestamp: 1772496000 + i,
    eventAttributes: { pad: 'p'.repeat(pad) },
  });

describe.skipIf(!emulatorsAvailable('the function path on the emulators', ['gcs', 'bigquery']))(
  'the function path as production runs it',
  () => {
    let bq: Restartable;
    let gcs: RunningEmulator;
    let storage: Storage;
    let bigquery: BigQuery;
    let ingest: FunctionServer;
    let promote: FunctionServer;
    let env: NodeJS.ProcessEnv;
    let promoteServe: Parameters<typeof serveFunction>[0];

    /** One storage finalized CloudEvent; `generation` and `size` as given (default: the object's). */
    const deliver = async (name: string, id: string, over: { generation?: string; size?: string } = {}) => {
      const [md] = await storage.bucket(BUCKET).file(name).getMetadata();
      const generation = over.generation ?? String(md.generation);
      return postStorageEvent(ingest.port, {
        bucket: BUCKET,
        name,
        generation,
        size: over.size ?? String(md.size),
        id,
      });
    };
    const callPromote = async () => {
      const res = await fetch(`http://127.0.0.1:${promote.port}/`, {
        method: 'POST',
        signal: AbortSignal.timeout(300_000),
      });
      return { status: res.status, body: await res.text() };
    };
    const count = async (sql: string) => {
      const [rows] = await bigquery.query({ query: sql, useLegacySql: false });
      return Number((rows as { n: unknown }[])[0]?.n);
    };
    const put = (name: string, text: string) => storage.bucket(BUCKET).file(name).save(text, { resumable: false });
    /** Log entries about `name` since `from` (an index into the server's entries). */
    const about = (server: FunctionServer, name: string, from = 0) =>
      server.entries.slice(from).filter((e) => String(e.file ?? '').endsWith(name));

    beforeAll(async () => {
      [bq, gcs] = await Promise.all([restartableBigQuery(), startGcs()]);
      storage = emulatorStorage(gcs.endpoint);
      bigquery = emulatorBigQuery(bq.endpoint, 'local-project');
      await storage.createBucket(BUCKET);
      env = {
        STORAGE_EMULATOR_ENDPOINT: gcs.endpoint,
        BIGQUERY_EMULATOR_ENDPOINT: bq.endpoint,
        BIGQUERY_EMULATOR_GRPC: bq.grpc,
        BIGQUERY_EMULATOR_PROJECT: 'local-project',
        GOOGLE_CLOUD_PROJECT: 'local-project',
        ALLOWED_BUCKETS: BUCKET,
        JOB_NAME: 'path-test',
        WRITE_API_ACK_MS: '3000',
      };
      const source = buildFunction();
      const { ALLOWED_BUCKETS: _ignored, ...promoteEnv } = env;
      // The promote entry needs no ALLOWED_BUCKETS.
      promoteServe = { source, port: await freePort(), env: promoteEnv, target: 'promote' };
      [ingest, promote] = await Promise.all([
        serveFunction({ source, port: await freePort(), env }),
        serveFunction(promoteServe),
      ]);
    }, 180_000);

    afterAll(async () => {
      await Promise.all([ingest?.stop(), promote?.stop()]);
      await Promise.all([bq?.stop(), gcs?.stop()]);
    });

    it('the promote entry says what it is, and answers a GET with 405', async () => {
      await promote.waitForEntry((e) => e.message === 'promote function ready');
      expect(promote.entries.some((e) => e.message === 'ingest function ready')).toBe(false);
      const res = await fetch(`http://127.0.0.1:${promote.port}/`);
      expect(res.status).toBe(405);
      expect(await res.text()).toMatch(/takes a POST/);
    });

    it('a promote instance whose first call met BigQuery down promotes on its next call', async () => {
      // A new instance, started while BigQuery is away: its first call is the one that fails.
      await promote.stop();
      await bq.kill();
      promote = await serveFunction({ ...promoteServe, port: promote.port });
      expect((await callPromote()).status).toBe(500);
      await bq.start();
      const name = `${dir('recover')}f1`;
      await put(name, `${event(1)}\n${event(2)}\n`);
      expect(await deliver(name, 'recover-1')).toBeLessThan(300);
      const second = await callPromote();
      expect(second, promote.output().slice(-2000)).toEqual({ status: 200, body: 'promoted\n' });
      expect(
        await count(
          `SELECT count(*) AS n FROM logs.events_logs_function WHERE file_path = 'gs://${BUCKET}/${name}' AND STARTS_WITH(event, 'ingested')`,
        ),
      ).toBe(1);
    }, 300_000);

    it('3 refusals and 3 promotions leave 3 refusal rows', async () => {
      const names = [1, 2, 3].map((i) => `outside/${i}.json`);
      for (const n of names) await put(n, `${event(1)}\n`);
      for (const [i, n] of names.entries()) expect(await deliver(n, `refuse-${i}`)).toBeLessThan(300);
      for (let i = 0; i < 3; i++) expect((await callPromote()).status).toBe(200);
      expect(
        await count(
          `SELECT count(*) AS n FROM logs.events_logs_function WHERE STARTS_WITH(file_path, 'gs://${BUCKET}/outside/') AND STARTS_WITH(event, 'refused')`,
        ),
      ).toBe(3);
    }, 300_000);

    it('a landed file redelivered is acknowledged unread: by the instance that landed it, and by a new one', async () => {
      const small = `${dir('again')}small`;
      await put(small, `${event(1)}\n`);
      expect(await deliver(small, 'again-1')).toBeLessThan(300);
      let from = ingest.entries.length;
      expect(await deliver(small, 'again-2')).toBeLessThan(300);
      expect(about(ingest, small, from).map((e) => e.message)).toEqual([
        'file handled by this instance already; acknowledged unread',
      ]);

      // A 5 MiB file (over LEDGER_CHECK_BYTES): a new instance asks the ledger before reading it.
      const big = `${dir('again')}big`;
      const lines = Array.from({ length: 5200 }, (_, i) => event(i, 960));
      await put(big, `${lines.join('\n')}\n`);
      expect(await deliver(big, 'big-1')).toBeLessThan(300);
      expect((await callPromote()).status).toBe(200);
      await ingest.kill();
      await ingest.restart();
      from = ingest.entries.length;
      expect(await deliver(big, 'big-2')).toBeLessThan(300);
      const said = about(ingest, big, from).map((e) => e.message);
      expect(said).toEqual(['file already landed or staged; acknowledged unread']);
      expect(
        await count(`SELECT count(*) AS n FROM events.events_function WHERE event_id LIKE 'e-%' AND job_name = 'path-test'
          AND batch_id IN (SELECT batch_id FROM logs.events_logs_function WHERE file_path = 'gs://${BUCKET}/${big}')`),
      ).toBe(5200);
    }, 300_000);

    it('a notification whose generation is not a number is refused: nothing read, nothing written', async () => {
      const name = `${dir('badgen')}f`;
      await put(name, `${event(1)}\n`);
      const from = ingest.entries.length;
      expect(await deliver(name, 'badgen-1', { generation: 'abc' })).toBeLessThan(300);
      const said = about(ingest, name, from);
      expect(said.map((e) => e.severity)).toEqual(['ERROR']);
      expect(String(said[0]?.message)).toMatch(/generation "abc" is not one gs:\/\/path-events gives its objects/);
      expect((await callPromote()).status).toBe(200);
      expect(
        await count(`SELECT count(*) AS n FROM logs.events_logs_function WHERE file_path = 'gs://${BUCKET}/${name}'`),
      ).toBe(0);
    }, 300_000);
  },
);
