/**
 * The whole cloud path on the emulators: a backfill publishes GCS notifications to Pub/Sub, the
 * ingest function's handler takes them off a subscription (each CloudEvent shaped as Eventarc
 * delivers it), reads the files from fake-gcs-server and writes BigQuery; some messages are
 * delivered twice and some to two function instances at once, as Pub/Sub may.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BigQuery } from '@google-cloud/bigquery';
import type { Message, PubSub } from '@google-cloud/pubsub';
import type { Storage } from '@google-cloud/storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { partitionPrefix } from '../../src/core/layout/partition-layout.js';
import type { Selection } from '../../src/core/layout/selection.js';
import { DEFAULT_TABLE_NAMES } from '../../src/core/schema/table-schemas.js';
import { planBackfill } from '../../src/engine/plan-backfill.js';
import { planFiles } from '../helpers/plan-files.js';
import { PUBSUB_PUBLISHED } from '../../src/function/decode-trigger.js';
import { createIngestHandler, type HandleOutcome } from '../../src/function/ingest-handler.js';
import { createLogger } from '../../src/function/structured-logger.js';
import { stagedWarehouse } from '../helpers/staged-warehouse.js';
import { emulatorBigQuery, emulatorPubSub, emulatorStorage } from '../../src/gcp/gcp-clients.js';
import { createGcsSource } from '../../src/gcp/gcs-source.js';
import { createPubSubPublisher } from '../../src/gcp/pubsub-publisher.js';
import {
  emulatorsAvailable,
  startBigQuery,
  startGcs,
  startPubSub,
  type RunningEmulator,
} from '../helpers/emulators.js';

const BUCKET = 'live-events';
const SELECTION: Selection = {
  dataType: 'json',
  environments: ['production'],
  categories: 'all',
  start: '2024-06-01',
  stop: '2024-06-01',
  times: 'all',
};

describe.skipIf(!emulatorsAvailable('ingest function pipeline on the emulators', ['gcs', 'bigquery', 'pubsub']))(
  'backfill → Pub/Sub → ingest function → BigQuery',
  () => {
    let emus: RunningEmulator[] = [];
    let storage: Storage;
    let bq: BigQuery;
    let pubsub: PubSub;
    let project: string;
    let bqEmulator: RunningEmulator;
    const names: string[] = [];

    beforeAll(async () => {
      const [gcs, bqEmu, ps] = await Promise.all([startGcs(), startBigQuery(), startPubSub()]);
      emus = [gcs, bqEmu, ps];
      storage = emulatorStorage(gcs.endpoint);
      bq = emulatorBigQuery(bqEmu.endpoint, bqEmu.project);
      project = bqEmu.project;
      bqEmulator = bqEmu;
      pubsub = emulatorPubSub(ps.endpoint, ps.project);
      await storage.createBucket(BUCKET);
      const uploads: Promise<unknown>[] = [];
      for (const category of ['economy', 'combat'])
        for (const time of ['0-8', '8-16', '16-24'])
          for (let i = 0; i < 5; i++) {
            const name = `${partitionPrefix({ dataType: 'json', environment: 'production', category, ds: '2024-06-01', time })}p${i}/20240601T000000Z-${String(i).padStart(6, '0')}`;
            names.push(name);
            const lines = [0, 1, 2].map((k) =>
              JSON.stringify({
                eventClass: category,
                eventId: `${name}:${k}`,
                eventTimestamp: 1717200000 + k,
                sessionId: `p${i}`,
              }),
            );
            uploads.push(
              storage
                .bucket(BUCKET)
                .file(name)
                .save(`${lines.join('\n')}\nnot json\n`, { resumable: false }),
            );
          }
      await Promise.all(uploads);
    }, 180_000);

    afterAll(async () => {
      await pubsub?.close().catch(() => undefined);
      await Promise.all(emus.map((e) => e.stop()));
    });

    it('lands every file exactly once despite redeliveries and concurrent instances', async () => {
      const [topic] = await pubsub.createTopic('gcs-events');
      const [sub] = await topic.createSubscription('ingest-fn', { ackDeadlineSeconds: 120 });
      const source = createGcsSource({ storage, bucket: BUCKET });
      const plan = await planBackfill({
        source,
        selection: SELECTION,
        journalDir: mkdtempSync(join(tmpdir(), 'fn-plan-')),
      });
      const files = await planFiles(plan);
      expect(files).toHaveLength(names.length);

      const publisher = createPubSubPublisher({ pubsub, topic: 'gcs-events', bucket: BUCKET });
      await Promise.all(files.map((f) => publisher.send(f, 'run-fn')));
      await publisher.close();

      // Two function instances, each with its own clients, as Cloud Run would have.
      const instance = () =>
        createIngestHandler({
          openSource: (bucket) => createGcsSource({ storage, bucket }),
          warehouse: stagedWarehouse(bq, bqEmulator, DEFAULT_TABLE_NAMES, { promote: 'each-window' }),
          config: { allowedBuckets: [BUCKET], allowedPrefixes: ['data_type=json/'], jobName: 'analytics-ingest' },
          log: createLogger({ write: () => undefined }),
        });
      const [a, b] = [instance(), instance()];
      const outcomes: HandleOutcome[] = [];
      const work: Promise<void>[] = [];
      let seen = 0;
      const done = new Promise<void>((resolve) => {
        sub.on('message', (m: Message) => {
          const i = seen++;
          const event = {
            id: m.id,
            type: PUBSUB_PUBLISHED,
            source: '//pubsub',
            data: {
              message: { data: m.data.toString('base64'), attributes: m.attributes, messageId: m.id },
              subscription: 'ingest-fn',
            },
          };
          const deliveries =
            i % 5 === 0
              ? [a(event), b(event)]
              : i % 7 === 0
                ? [a(event).then(async (o) => (outcomes.push(o), a(event)))]
                : [a(event)];
          work.push(
            Promise.all(deliveries).then((os) => {
              outcomes.push(...os);
              m.ack();
            }),
          );
          if (seen === files.length) resolve();
        });
      });
      await Promise.race([
        done,
        new Promise((_, reject) =>
          setTimeout(() => reject(new Error(`only ${seen} of ${files.length} messages arrived`)), 60_000),
        ),
      ]);
      await Promise.all(work);
      await sub.close();
      // Cloud Scheduler's call: lands what the windows' promotions left staged.
      await stagedWarehouse(bq, bqEmulator, DEFAULT_TABLE_NAMES).promoteNow();

      const ingested = outcomes.filter((o) => o.status === 'ingested');
      const already = outcomes.filter((o) => o.status === 'already-ingested');
      expect(outcomes.filter((o) => o.status !== 'ingested' && o.status !== 'already-ingested')).toEqual([]);
      expect(new Set(ingested.map((o) => (o as { filePath: string }).filePath)).size).toBe(files.length);
      // Two instances given the same file at once both stage it (each says so); the promotion lands it once.
      expect(ingested.length).toBeGreaterThanOrEqual(files.length);
      expect(already.length).toBeGreaterThan(0);

      const [ev] = await bq.query({
        query: `SELECT COUNT(*) AS n, COUNT(DISTINCT event_id) AS ids, COUNTIF(job_name = 'analytics-ingest') AS ours FROM \`${project}.events.events_function\``,
      });
      expect(ev[0]).toMatchObject({ n: 3 * files.length, ids: 3 * files.length, ours: 3 * files.length });
      const [dbg] = await bq.query({
        query: `SELECT COUNT(*) AS n FROM \`${project}.logs.events_debug_function\` WHERE event = 'not json'`,
      });
      expect(Number((dbg[0] as { n: number }).n)).toBe(files.length);
      const [ledger] = await bq.query({
        query: `SELECT COUNT(*) AS n, COUNT(DISTINCT file_path) AS files FROM \`${project}.logs.events_logs_function\` WHERE STARTS_WITH(event, 'ingested')`,
      });
      expect(ledger[0]).toMatchObject({ n: files.length, files: files.length });

      // A later backfill with the warehouse finds everything landed and sends nothing.
      const again = await planBackfill({
        source,
        selection: SELECTION,
        warehouse: stagedWarehouse(bq, bqEmulator, DEFAULT_TABLE_NAMES),
      });
      expect(again.totals).toMatchObject({ matched: files.length, alreadyIngested: files.length, toSend: 0 });
    }, 180_000);
  },
);
