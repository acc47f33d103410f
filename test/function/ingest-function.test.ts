/**
 * The ingest function end to end, nothing mocked: the deployable build served by the functions
 * framework; two push subscriptions on the Pub/Sub emulator pointing at it (so every message is
 * delivered twice, concurrently); event files in fake-gcs-server; the backfill CLI publishing
 * them; rows read back from the BigQuery emulator.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { BigQuery } from '@google-cloud/bigquery';
import type { PubSub } from '@google-cloud/pubsub';
import type { Storage } from '@google-cloud/storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildStorageNotification } from '../../src/core/layout/storage-notification.js';
import { emulatorBigQuery, emulatorPubSub, emulatorStorage } from '../../src/gcp/gcp-clients.js';
import {
  emulatorsAvailable,
  freePort,
  startBigQuery,
  startGcs,
  startPubSub,
  type RunningEmulator,
} from '../helpers/emulators.js';
import { runCli } from '../helpers/run-cli.js';
import {
  buildFunction,
  documentedNodeOptions,
  serveFunction,
  type FunctionServer,
  type LogEntry,
} from './function-server.js';
import { until } from '../helpers/until.js';
import { parseJsonOutput } from '../helpers/json-output.js';
import { postStorageEvent } from './storage-event.js';

const BUCKET = 'game-events';
const OTHER_BUCKET = 'someone-elses-events';
const TOPIC = 'analytics-ingest';
const JOB = 'ingest-e2e';
const dir = (category: string, time = '0-8') =>
  `data_type=json/analytics_environment=testing/event_category=${category}/event_ds=2026-03-01/event_time=${time}/session-1/`;
const md5 = (name: string) => createHash('md5').update(name.split('/').slice(-2).join('/')).digest('hex');

const NDJSON = `${dir('gameplay')}20260301T000000Z-000001`;
const GZIP = `${dir('gameplay', '8-16')}20260301T090000Z-000002`;
const DOCUMENT = `${dir('gameplay', '16-24')}20260301T170000Z-000003`;
const DIRECT = `${dir('direct')}20260301T000000Z-000004`;
const BIG = `${dir('big')}20260301T000000Z-000005`;
const BIG_EVENTS = 40_000;

describe.skipIf(!emulatorsAvailable('ingest function end to end', ['gcs', 'bigquery', 'pubsub']))(
  'ingest function end to end',
  () => {
    let gcsEmu: RunningEmulator;
    let bqEmu: RunningEmulator;
    let psEmu: RunningEmulator;
    let storage: Storage;
    let bigquery: BigQuery;
    let pubsub: PubSub;
    let fn: FunctionServer;
    /** The same build, served as the `promote` entry point that Cloud Scheduler calls every minute. */
    let promoter: FunctionServer;
    let env: NodeJS.ProcessEnv;
    const records = mkdtempSync(join(tmpdir(), 'fn-e2e-runs-'));

    const put = async (bucket: string, name: string, content: string | Buffer) => {
      await storage
        .bucket(bucket)
        .file(name)
        .save(content, { resumable: false, contentType: 'application/octet-stream' });
    };
    /** What Cloud Scheduler does every minute: promotes what the function staged (the window's own job may have run before the last files). */
    const promote = async () => {
      const res = await fetch(`http://127.0.0.1:${promoter.port}/`, { method: 'POST' });
      expect(res.status, promoter.output().slice(-2000)).toBe(200);
    };
    const query = async (sql: string): Promise<Record<string, unknown>[]> => {
      await promote();
      const [rows] = await bigquery.query({ query: sql, useLegacySql: false });
      return rows as Record<string, unknown>[];
    };
    const count = async (sql: string) => Number((await query(sql))[0]?.n);
    const ledgerRows = (name: string, bucket = BUCKET) =>
      count(
        `SELECT count(*) AS n FROM logs.events_logs_function WHERE file_path = 'gs://${bucket}/${name}' AND STARTS_WITH(event, 'ingested')`,
      );
    /** Every delivery ends in one log entry with an `outcome`; waits for `n` of them for a file. */
    const outcomes = (name: string) =>
      fn.entries.filter((e) => typeof e.outcome === 'string' && String(e.file).endsWith(name));
    const waitOutcomes = async (name: string, n: number, timeoutMs = 90_000): Promise<LogEntry[]> => {
      await until(
        () => outcomes(name).length >= n,
        timeoutMs,
        () => `${name}: ${outcomes(name).length}/${n} deliveries finished:\n${fn.output().slice(-4000)}`,
        200,
      );
      return outcomes(name);
    };
    const backfill = (category: string, ...extra: string[]) =>
      runCli(
        [
          '--gcs-bucket',
          `gs://${BUCKET}`,
          '--topic',
          TOPIC,
          '--gcp',
          'local-project',
          '--warehouse',
          'bigquery:local-project',
          '--analytics-environment',
          'testing',
          '--event-category',
          category,
          '--event-ds-start',
          '2026-03-01',
          '--event-ds-stop',
          '2026-03-01',
          '--event-time',
          'all',
          '--record-dir',
          records,
          '--yes',
          '--json',
          ...extra,
        ],
        env,
      );

    beforeAll(async () => {
      [gcsEmu, bqEmu, psEmu] = await Promise.all([startGcs(), startBigQuery(), startPubSub()]);
      storage = emulatorStorage(gcsEmu.endpoint);
      bigquery = emulatorBigQuery(bqEmu.endpoint, bqEmu.project);
      pubsub = emulatorPubSub(psEmu.endpoint, psEmu.project);
      await storage.createBucket(BUCKET);
      await storage.createBucket(OTHER_BUCKET);
      env = {
        STORAGE_EMULATOR_ENDPOINT: gcsEmu.endpoint,
        BIGQUERY_EMULATOR_ENDPOINT: bqEmu.endpoint,
        BIGQUERY_EMULATOR_GRPC: bqEmu.grpc,
        BIGQUERY_EMULATOR_PROJECT: bqEmu.project,
        PUBSUB_EMULATOR_HOST: psEmu.endpoint,
        PUBSUB_PROJECT_ID: psEmu.project,
        METADATA_SERVER_DETECTION: 'none',
      };
      fn = await serveFunction({
        source: buildFunction(),
        port: await freePort(),
        // NODE_OPTIONS as docs/function.md deploys it.
        env: {
          ...env,
          ALLOWED_BUCKETS: BUCKET,
          JOB_NAME: JOB,
          GOOGLE_CLOUD_PROJECT: bqEmu.project,
          NODE_OPTIONS: documentedNodeOptions(),
        },
      });
      promoter = await serveFunction({
        source: buildFunction(),
        port: await freePort(),
        target: 'promote',
        env: { ...env, ALLOWED_BUCKETS: BUCKET, JOB_NAME: JOB, GOOGLE_CLOUD_PROJECT: bqEmu.project },
      });
      const [topic] = await pubsub.createTopic(TOPIC);
      // Two push subscriptions to the same function: every message arrives twice, concurrently.
      for (const name of ['ingest-push-a', 'ingest-push-b']) {
        await topic.createSubscription(name, {
          pushConfig: { pushEndpoint: fn.pushEndpoint(psEmu.project, TOPIC) },
          ackDeadlineSeconds: 600,
        });
      }
    }, 180_000);

    afterAll(async () => {
      await fn?.stop();
      await promoter?.stop();
      await pubsub?.close().catch(() => undefined);
      await Promise.all([gcsEmu?.stop(), bqEmu?.stop(), psEmu?.stop()]);
    });

    it('ingests a direct storage finalized CloudEvent, creating datasets and tables on first use', async () => {
      await put(BUCKET, DIRECT, '{"eventClass":"session","eventId":"d1"}\n');
      const [md] = await storage.bucket(BUCKET).file(DIRECT).getMetadata();
      const status = await postStorageEvent(fn.port, {
        bucket: BUCKET,
        name: DIRECT,
        generation: String(md.generation),
        size: String(md.size),
        id: 'direct-1',
      });
      expect(status).toBeLessThan(300);
      expect(await ledgerRows(DIRECT)).toBe(1);
      expect(
        await query(`SELECT event_id, job_name FROM events.events_function WHERE batch_id = '${md5(DIRECT)}'`),
      ).toEqual([{ event_id: 'd1', job_name: JOB }]);
    });

    it('ingests what the backfill publishes, exactly as the contract says, once although every message arrives twice', async () => {
      await put(
        BUCKET,
        NDJSON,
        [
          '{"eventClass":"session","eventId":"n1","eventIndex":1,"eventTimestamp":1772323200,"sessionId":"s1","eventAttributes":{"level":3},"buildVersion":2.5}',
          'not json',
          '{"event_class":"purchase","event_id":"n2","event_index":"2","event_timestamp":"2026-03-01T01:00:00Z","analytics_environment":"override"}',
          '{"eventId":"no-class"}',
          '',
        ].join('\r\n'),
      );
      await put(
        BUCKET,
        GZIP,
        gzipSync(
          '{"eventClass":"a","eventId":"g1"}\n{"eventClass":"b","eventId":"g2","receivedTimestamp":"2026-03-01 09:00:00 UTC"}\n',
        ),
      );
      await put(
        BUCKET,
        DOCUMENT,
        '[\n  {"eventClass": "x", "eventId": "p1"},\n  42,\n  {"eventClass": "y", "eventId": "p2"}\n]\n',
      );
      const run = await backfill('gameplay');
      expect(run.code, run.stderr).toBe(0);
      expect(parseJsonOutput<{ run: { counts: unknown } }>(run.stdout).run.counts).toMatchObject({ published: 3 });

      for (const name of [NDJSON, GZIP, DOCUMENT]) {
        const done = await waitOutcomes(name, 2);
        expect(done.map((e) => e.outcome).sort()).toEqual(expect.arrayContaining(['staged']));
        expect(done.filter((e) => e.outcome === 'staged')).toHaveLength(1);
        expect(done.every((e) => e.trigger === 'storage-notification' && typeof e.backfill_run_id === 'string')).toBe(
          true,
        );
      }

      const events = await query(
        `SELECT event_id, event_class, event_index, analytics_environment, batch_id, session_id, build_version, event_attributes, job_name,
              UNIX_SECONDS(event_timestamp) AS ts, UNIX_SECONDS(received_timestamp) AS received, inserted_timestamp IS NOT NULL AS has_inserted
       FROM events.events_function WHERE batch_id IN ('${md5(NDJSON)}', '${md5(GZIP)}', '${md5(DOCUMENT)}') ORDER BY event_id`,
      );
      expect(events.map((e) => e.event_id)).toEqual(['g1', 'g2', 'n1', 'n2', 'p1', 'p2']);
      const byId = Object.fromEntries(events.map((e) => [e.event_id, e]));
      expect(byId.n1).toMatchObject({
        event_class: 'session',
        event_index: 1,
        analytics_environment: 'testing',
        batch_id: md5(NDJSON),
        session_id: 's1',
        build_version: '2.5',
        event_attributes: '{"level":3}',
        job_name: JOB,
        ts: 1772323200,
        has_inserted: true,
      });
      expect(byId.n2).toMatchObject({
        event_class: 'purchase',
        event_index: 2,
        analytics_environment: 'override',
        ts: 1772326800,
        received: null,
      });
      expect(byId.g2).toMatchObject({ received: 1772355600, batch_id: md5(GZIP) });

      const debug = await query(
        `SELECT file_path, event, event_category, event_time, CAST(event_ds AS STRING) AS ds FROM logs.events_debug_function WHERE batch_id IN ('${md5(NDJSON)}', '${md5(DOCUMENT)}') ORDER BY event`,
      );
      expect(debug.map((d) => d.event)).toEqual(expect.arrayContaining(['not json', '42']));
      expect(debug).toHaveLength(3);
      expect(debug[0]).toMatchObject({ event_category: 'gameplay', ds: '2026-03-01' });

      const logs = await query(
        `SELECT file_path, event, file_generation, job_name FROM logs.events_logs_function WHERE event_category = 'gameplay' ORDER BY file_path, event`,
      );
      expect(logs.map((l) => [String(l.file_path).split('/').pop(), l.event])).toEqual([
        ['20260301T000000Z-000001', 'ingested: 2 events, 2 debug rows'],
        ['20260301T000000Z-000001', 'parse_initiated'],
        ['20260301T170000Z-000003', 'ingested: 2 events, 1 debug rows'],
        ['20260301T170000Z-000003', 'parse_initiated'],
        ['20260301T090000Z-000002', 'ingested: 2 events, 0 debug rows'],
        ['20260301T090000Z-000002', 'parse_initiated'],
      ]);
      expect(
        logs.every(
          (l) =>
            String(l.file_path).startsWith(`gs://${BUCKET}/data_type=json/`) &&
            /^\d+$/.test(String(l.file_generation)) &&
            l.job_name === JOB,
        ),
      ).toBe(true);
    });

    it('adds no rows when the backfill sends landed files again (--reprocess), or the original script bare payload names them', async () => {
      const before = await count(`SELECT count(*) AS n FROM events.events_function`);
      const run = await backfill('gameplay', '--reprocess');
      expect(run.code, run.stderr).toBe(0);
      const bare = Buffer.from(JSON.stringify({ name: NDJSON, bucket: BUCKET }));
      await pubsub.topic(TOPIC).publishMessage({ data: bare });
      for (const name of [GZIP, DOCUMENT]) await waitOutcomes(name, 4);
      await waitOutcomes(NDJSON, 6);
      const bareOutcomes = outcomes(NDJSON)
        .filter((e) => e.trigger === 'bare-name-bucket')
        .map((e) => String(e.outcome));
      expect(bareOutcomes).toHaveLength(2);
      // The instance that landed them acknowledges them unread (it remembers what it handled);
      // another would stage them again (no ledger query for small files) and the promotion adds nothing.
      expect(bareOutcomes.every((o) => /^(duplicate-)?(staged|ingested|already-ingested)$/.test(o))).toBe(true);
      expect(await count(`SELECT count(*) AS n FROM events.events_function`)).toBe(before);
      for (const name of [NDJSON, GZIP, DOCUMENT]) expect(await ledgerRows(name)).toBe(1);
    });

    it('logs refusals to the logs table and acknowledges them: another bucket, another prefix, not an event file, an object gone', async () => {
      const publish = async (bucket: string, name: string, generation = '1') => {
        const n = buildStorageNotification({ name, size: 1, generation, updated: '2026-03-01T00:00:00Z' }, { bucket });
        await pubsub.topic(TOPIC).publishMessage({ data: n.data, attributes: n.attributes });
      };
      const unknown =
        'data_type=unknown/analytics_environment=testing/event_category=gameplay/event_ds=2026-03-01/event_time=0-8/s/x';
      await put(OTHER_BUCKET, NDJSON, '{"eventClass":"a"}\n');
      await publish(OTHER_BUCKET, NDJSON);
      await publish(BUCKET, unknown);
      await publish(BUCKET, 'data_type=json/README.txt');
      await publish(BUCKET, `${dir('gone')}20260301T000000Z-000009`, '123');
      for (const name of [unknown, 'data_type=json/README.txt', `${dir('gone')}20260301T000000Z-000009`]) {
        expect((await waitOutcomes(name, 2)).map((e) => String(e.outcome).replace(/^duplicate-/, ''))).toEqual([
          'refused',
          'refused',
        ]);
      }
      const foreign = await waitOutcomes(NDJSON, 8);
      expect(
        foreign
          .filter((e) => String(e.file).startsWith(`gs://${OTHER_BUCKET}/`))
          .map((e) => String(e.outcome).replace(/^duplicate-/, '')),
      ).toEqual(['refused', 'refused']);
      const rows = await query(
        `SELECT file_path, event FROM logs.events_logs_function WHERE STARTS_WITH(event, 'refused') ORDER BY file_path`,
      );
      const reasons = rows.map((r) => `${String(r.file_path).split('/')[2]} ${String(r.event)}`);
      expect(
        reasons.some((r) => r.startsWith(`${OTHER_BUCKET} refused: bucket ${OTHER_BUCKET} is not an allowed bucket`)),
      ).toBe(true);
      expect(reasons.some((r) => r.includes('outside the allowed prefixes'))).toBe(true);
      expect(reasons.some((r) => r.includes('not an event file'))).toBe(true);
      expect(reasons.some((r) => r.includes('no longer exists'))).toBe(true);
      // Acknowledged: no delivery of these comes back.
      const refused = () => fn.entries.filter((e) => String(e.outcome).endsWith('refused')).length;
      expect(refused()).toBe(8);
      await new Promise((r) => setTimeout(r, 3000));
      expect(refused()).toBe(8);
      expect(fn.entries.some((e) => e.outcome === 'retry')).toBe(false);
    });

    it('a function killed mid-file, then retried by Pub/Sub, leaves exactly one copy of the file', async () => {
      const lines: string[] = [];
      for (let i = 0; i < BIG_EVENTS; i++) {
        lines.push(
          JSON.stringify({
            eventClass: 'progression',
            eventId: `big-${i}`,
            eventIndex: i,
            eventTimestamp: 1772323200 + i,
            eventAttributes: { pad: 'x'.repeat(120) },
          }),
        );
      }
      await put(BUCKET, BIG, `${lines.join('\n')}\n`);
      const run = await backfill('big');
      expect(run.code, run.stderr).toBe(0);
      await fn.waitForEntry((e) => e.message === 'reading file' && String(e.file).endsWith(BIG));
      // Kill once part of the file is staged and its completion marker is not: truly half-way.
      const staged = async (kind: string): Promise<number> => {
        const [rows] = await bigquery.query({
          query: `SELECT count(*) AS n FROM logs.events_staging_function WHERE file_path = 'gs://${BUCKET}/${BIG}' AND kind = '${kind}'`,
        });
        return Number((rows[0] as { n: unknown }).n);
      };
      // The emulator keeps its tables in one SQLite file: a read while the function appends can find it locked.
      const stagedRetrying = async (kind: string): Promise<number> => {
        for (let i = 0; ; i++) {
          try {
            return await staged(kind);
          } catch (err) {
            if (i > 20 || !/database is locked/.test(String(err))) throw err;
            await new Promise((r) => setTimeout(r, 100));
          }
        }
      };
      let landed = 0;
      await until(
        async () => (landed = await stagedRetrying('event')) > 0,
        120_000,
        () => `part of the big file staged:\n${fn.output().slice(-3000)}`,
        50,
      );
      await fn.kill();
      expect(landed).toBeLessThan(BIG_EVENTS);
      expect(await stagedRetrying('done')).toBe(0);
      expect(await count(`SELECT count(*) AS n FROM events.events_function WHERE batch_id = '${md5(BIG)}'`)).toBe(0); // a partial attempt is never promoted
      expect(await ledgerRows(BIG)).toBe(0);
      await fn.restart();
      // The emulator redelivers both subscriptions' messages once the endpoint answers again.
      // (each read promotes first, as the scheduler would)
      await until(
        async () => (await ledgerRows(BIG)) >= 1,
        240_000,
        () => `the big file to land after the restart:\n${fn.output().slice(-4000)}`,
        2000,
      );
      await waitOutcomes(BIG, 2, 120_000);
      expect(await count(`SELECT count(*) AS n FROM events.events_function WHERE batch_id = '${md5(BIG)}'`)).toBe(
        BIG_EVENTS,
      );
      expect(
        await count(`SELECT count(DISTINCT event_id) AS n FROM events.events_function WHERE batch_id = '${md5(BIG)}'`),
      ).toBe(BIG_EVENTS);
      expect(await ledgerRows(BIG)).toBe(1);
      // The restarted process did the whole file: its peak RSS stays well inside a 256 MiB budget.
      const status = `/proc/${fn.pid()}/status`;
      if (existsSync(status)) {
        const peakKiB = Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(status, 'utf8'))?.[1]);
        expect(peakKiB / 1024).toBeLessThan(256);
      }
    }, 600_000);
  },
);
