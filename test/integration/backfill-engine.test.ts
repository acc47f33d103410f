import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { planFiles } from '../helpers/plan-files.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BigQuery } from '@google-cloud/bigquery';
import type { Message, PubSub } from '@google-cloud/pubsub';
import type { Storage } from '@google-cloud/storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { partitionPrefix } from '../../src/core/layout/partition-layout.js';
import type { Selection } from '../../src/core/layout/selection.js';
import { DEFAULT_TABLE_NAMES } from '../../src/core/schema/table-schemas.js';
import { createDirectPublisher } from '../../src/engine/direct-publisher.js';
import { planBackfill } from '../../src/engine/plan-backfill.js';
import { runBackfill } from '../../src/engine/run-backfill.js';
import { newRunId, readRunRecord, RunRecord, sentKeys } from '../../src/engine/run-record.js';
import { emulatorBigQuery, emulatorPubSub, emulatorStorage } from '../../src/gcp/gcp-clients.js';
import { createBigQueryWarehouse } from '../../src/gcp/bigquery/bigquery-warehouse.js';
import { gcpCloudFactories } from '../../src/gcp/gcp-factories.js';
import { logRow } from '../../src/core/parse/file-context.js';
import type { EventRow } from '../../src/core/schema/rows.js';
import { previewText } from '../../src/cli/report.js';
import { statusJson, statusText } from '../../src/cli/run-status.js';
import { partitionFiles } from '../../src/engine/partition-files.js';
import { createWriteApiAppender } from '../../src/gcp/bigquery/write-api-appender.js';
import { emulatorWriterClient } from '../../src/gcp/bigquery/writer-client.js';
import { createGcsSource } from '../../src/gcp/gcs-source.js';
import { createPubSubPublisher } from '../../src/gcp/pubsub-publisher.js';
import type { Publisher } from '../../src/ports/publisher.js';
import type { Source } from '../../src/ports/source.js';
import type { Warehouse } from '../../src/ports/warehouse.js';
import { until } from '../helpers/until.js';
import { runMain } from '../helpers/run-main.js';
import {
  emulatorsAvailable,
  startBigQuery,
  startGcs,
  startPubSub,
  type RunningEmulator,
} from '../helpers/emulators.js';
import { parseJsonOutput } from '../helpers/json-output.js';

const BUCKET = 'game-events';
const SELECTION: Selection = {
  dataType: 'json',
  environments: 'all',
  categories: 'all',
  start: '2024-05-01',
  stop: '2024-05-02',
  times: 'all',
};

describe.skipIf(!emulatorsAvailable('backfill engine on the emulators', ['gcs', 'bigquery', 'pubsub']))(
  'backfill engine against the emulators',
  () => {
    let gcs: RunningEmulator;
    let bqEmu: RunningEmulator;
    let storage: Storage;
    let bq: BigQuery;
    let source: Source;
    let warehouse: Warehouse;
    let recordDir: string;
    const names: string[] = [];

    beforeAll(async () => {
      [gcs, bqEmu] = await Promise.all([startGcs(), startBigQuery()]);
      storage = emulatorStorage(gcs.endpoint);
      bq = emulatorBigQuery(bqEmu.endpoint, bqEmu.project);
      recordDir = mkdtempSync(join(tmpdir(), 'abf-runs-'));
      await storage.createBucket(BUCKET);
      const uploads: Promise<unknown>[] = [];
      for (const environment of ['staging', 'live'])
        for (const category of ['economy', 'session'])
          for (const ds of ['2024-04-30', '2024-05-01', '2024-05-02'])
            for (const time of ['0-8', '8-16', '16-24'])
              for (let i = 0; i < 4; i++) {
                const name = `${partitionPrefix({ dataType: 'json', environment, category, ds, time })}s${i}/20240501T000000Z-${String(i).padStart(6, '0')}`;
                names.push(name);
                const body = [
                  JSON.stringify({
                    eventClass: category,
                    eventId: `${name}#1`,
                    eventTimestamp: `${ds}T01:00:00Z`,
                    eventIndex: 1,
                  }),
                  JSON.stringify({
                    eventClass: category,
                    eventId: `${name}#2`,
                    eventTimestamp: 1714525200123,
                    eventAttributes: { k: 'v' },
                  }),
                  '{not json',
                ].join('\n');
                uploads.push(storage.bucket(BUCKET).file(name).save(body, { resumable: false }));
              }
      await Promise.all(uploads);
      source = createGcsSource({ storage, bucket: `gs://${BUCKET}` });
      const client = emulatorWriterClient(bqEmu.grpc, bqEmu.project);
      warehouse = createBigQueryWarehouse({
        bigquery: bq,
        tables: DEFAULT_TABLE_NAMES,
        staging: {
          appender: (project) => createWriteApiAppender({ client, project, names: DEFAULT_TABLE_NAMES }),
          promote: 'when-closed',
        },
      });
      await warehouse.ensureTables();
    }, 180_000);

    afterAll(async () => {
      await warehouse?.close();
      await Promise.all([gcs?.stop(), bqEmu?.stop()]);
      if (recordDir) rmSync(recordDir, { recursive: true, force: true });
    });

    const inSelection = () => names.filter((n) => !n.includes('event_ds=2024-04-30'));

    async function run(publisher: Publisher, plan: Awaited<ReturnType<typeof planBackfill>>, resumes?: string) {
      const runId = newRunId();
      const record = RunRecord.create(recordDir, {
        type: 'start',
        runId,
        createdAt: new Date().toISOString(),
        source: source.url,
        publisher: publisher.url,
        warehouse: warehouse.url,
        selection: plan.selection,
        reprocess: false,
        planned: plan.totals.toSend,
        ...(resumes ? { resumes } : {}),
      });
      const summary = await runBackfill({ plan, publisher, record, runId });
      await publisher.close();
      return summary;
    }

    it('ingests the selection directly into BigQuery, and a second backfill sends nothing', async () => {
      const plan = await planBackfill({ source, warehouse, selection: SELECTION, journalDir: recordDir });
      expect(plan.selection.environments).toEqual(['live', 'staging']);
      expect(plan.totals.matched).toBe(inSelection().length);
      expect(plan.totals.toSend).toBe(inSelection().length);
      const direct = createDirectPublisher({
        source,
        warehouse,
        jobName: (id) => `analytics-backfill/${id}`,
        concurrency: 8,
      });
      const summary = await run(direct, plan);
      expect(summary.counts).toMatchObject({ ingested: inSelection().length, failed: 0 });
      // Staged through the Write API and promoted once when the run closed: DML per promotion, not per file.
      const usage = (warehouse as ReturnType<typeof createBigQueryWarehouse>).usage;
      expect(usage.promoter.promotions).toBe(1);
      expect(usage.appends).toBe(inSelection().length); // one request per small file, its marker last in it

      const [events] = await bq.query({
        query: `SELECT COUNT(*) AS n, COUNT(DISTINCT event_id) AS ids, COUNTIF(event_timestamp IS NULL) AS nullts FROM \`${bqEmu.project}.events.events_function\``,
      });
      expect(events[0]).toMatchObject({ n: 2 * inSelection().length, ids: 2 * inSelection().length, nullts: 0 });
      const [debug] = await bq.query({
        query: `SELECT COUNT(*) AS n FROM \`${bqEmu.project}.logs.events_debug_function\``,
      });
      expect(Number((debug[0] as { n: number }).n)).toBe(inSelection().length);

      const again = await planBackfill({ source, warehouse, selection: SELECTION, journalDir: recordDir });
      expect(again.totals.alreadyIngested).toBe(inSelection().length);
      expect(again.totals.toSend).toBe(0);
      const second = await run(
        createDirectPublisher({ source, warehouse, jobName: (id) => id, concurrency: 8 }),
        again,
      );
      expect(second.counts).toMatchObject({ ingested: 0, 'already-ingested': 0, failed: 0 });
      const [after] = await bq.query({
        query: `SELECT COUNT(*) AS n FROM \`${bqEmu.project}.events.events_function\``,
      });
      expect(Number((after[0] as { n: number }).n)).toBe(2 * inSelection().length);
    }, 180_000);

    it('a run killed after staging: the preview says the file is staged, not landed; the next run lands it once', async () => {
      const name =
        'data_type=json/analytics_environment=live/event_category=economy/event_ds=2024-05-02/event_time=16-24/late/late-1';
      await storage
        .bucket(BUCKET)
        .file(name)
        .save(`${JSON.stringify({ eventClass: 'economy', eventId: 'late-1' })}\n`, { resumable: false });
      names.push(name);
      let generation = '';
      for await (const o of source.list(name)) generation = o.generation;
      const ctx = {
        bucket: BUCKET,
        name,
        filePath: source.filePath(name),
        generation,
        jobName: 'killed',
        insertedAt: 1714525200000000n,
      };
      // Staged whole (its rows and marker), then the process "dies" before its promotion.
      await warehouse.openWriter().write(
        { filePath: ctx.filePath, generation: ctx.generation },
        (async function* () {
          const event: EventRow = {
            analytics_environment: 'live',
            batch_id: null,
            event_id: 'late-1',
            event_index: null,
            event_source: null,
            event_class: 'economy',
            event_type: null,
            session_id: null,
            build_version: null,
            event_environment: null,
            event_timestamp: null,
            received_timestamp: null,
            inserted_timestamp: ctx.insertedAt,
            job_name: 'killed',
            event_attributes: null,
          };
          yield { events: [event], debug: [], logs: [logRow(ctx, 'ingested: 1 events, 0 debug rows')] };
        })(),
      );
      const plan = await planBackfill({ source, warehouse, selection: SELECTION, journalDir: recordDir });
      expect(plan.totals).toMatchObject({ toSend: 1, staged: 1, alreadyIngested: inSelection().length - 1 });
      expect(previewText(plan)).toContain('Note: 1 files are staged, not landed yet: the next promotion lands them');
      // `status` on BigQuery: the cell is "rest staged", and so is the file.
      const cell = statusJson(plan).partitions.find(
        (p) => p.environment === 'live' && p.category === 'economy' && p.ds === '2024-05-02' && p.time === '16-24',
      )!;
      expect(cell).toMatchObject({ staged: 1, landed: cell.files - 1, missing: 0, state: 'staged' });
      expect(statusText(plan, { columns: 80, color: false, staging: true })).toMatch(/^live +.* [#.]{2}~/m);
      const states: string[] = [];
      await partitionFiles(
        source,
        warehouse,
        { dataType: 'json', environment: 'live', category: 'economy', ds: '2024-05-02', time: '16-24' },
        (o, state) => states.push(`${o.name.split('/').at(-1)} ${state}`),
      );
      expect(states).toContain('late-1 staged');
      const summary = await run(
        createDirectPublisher({ source, warehouse, jobName: (id) => id, concurrency: 2 }),
        plan,
      );
      expect(summary.counts).toMatchObject({ ingested: 1, failed: 0 });
      const [rows] = await bq.query({
        query: `SELECT COUNT(*) AS n FROM \`${bqEmu.project}.logs.events_logs_function\` WHERE file_path = '${ctx.filePath}' AND STARTS_WITH(event, 'ingested')`,
      });
      expect(Number((rows[0] as { n: number }).n)).toBe(1); // two complete attempts staged, one landed
      const [events] = await bq.query({
        query: `SELECT COUNT(*) AS n FROM \`${bqEmu.project}.events.events_function\` WHERE event_id = 'late-1'`,
      });
      expect(Number((events[0] as { n: number }).n)).toBe(1);
    }, 120_000);

    it('gcpCloudFactories reach the emulators from the variables scripts/emulators.sh writes', async () => {
      const ps = await startPubSub();
      try {
        const env = {
          STORAGE_EMULATOR_ENDPOINT: gcs.endpoint,
          BIGQUERY_EMULATOR_ENDPOINT: bqEmu.endpoint,
          BIGQUERY_EMULATOR_GRPC: bqEmu.grpc,
          BIGQUERY_EMULATOR_PROJECT: bqEmu.project,
          PUBSUB_EMULATOR_HOST: ps.endpoint,
          PUBSUB_PROJECT_ID: ps.project,
        };
        const factories = gcpCloudFactories(env);
        const src = await factories.gcsSource(`gs://${BUCKET}`, undefined);
        expect(src.url).toBe(`gs://${BUCKET}`);
        expect((await src.discover('data_type=json/')).values).toEqual(['live', 'staging']);
        const wh = await factories.bigQueryWarehouse(undefined, { readOnly: true });
        expect(wh.url).toBe(`bigquery:${bqEmu.project}`);
        const one = names[0]!;
        const listed = [];
        for await (const o of src.list(one)) listed.push(o);
        expect(await wh.ingested([{ filePath: src.filePath(one), generation: listed[0]!.generation }])).toBeInstanceOf(
          Set,
        );
        const pubsub = emulatorPubSub(ps.endpoint, ps.project);
        await pubsub.createTopic('factory-topic');
        const pub = await factories.pubsubPublisher('factory-topic', undefined, src);
        expect(pub.url).toBe(`pubsub:projects/${ps.project}/topics/factory-topic`);
        const r = await pub.send(listed[0]!, 'run-f');
        expect(r.status).toBe('published');
        await pub.close();
        await pubsub.close();
      } finally {
        await ps.stop();
      }
    }, 120_000);

    it('status through the CLI on the emulators: each partition as the plan counts it, and nothing written', async () => {
      const env = {
        STORAGE_EMULATOR_ENDPOINT: gcs.endpoint,
        BIGQUERY_EMULATOR_ENDPOINT: bqEmu.endpoint,
        BIGQUERY_EMULATOR_GRPC: bqEmu.grpc,
        BIGQUERY_EMULATOR_PROJECT: bqEmu.project,
      };
      const rowsOf = async (table: string) => {
        const [r] = await bq.query({ query: `SELECT COUNT(*) AS n FROM \`${bqEmu.project}.${table}\`` });
        return Number((r[0] as { n: number }).n);
      };
      const before = await rowsOf('logs.events_logs_function');
      // A file whose one attempt failed (a run record's line) and that has not landed since.
      const failedName = `${partitionPrefix({ dataType: 'json', environment: 'live', category: 'session', ds: '2024-05-01', time: '8-16' })}failed/f1`;
      await storage.bucket(BUCKET).file(failedName).save('{"eventClass":"session"}\n', { resumable: false });
      // And one never ingested, beside landed files.
      const neverName = `${partitionPrefix({ dataType: 'json', environment: 'live', category: 'session', ds: '2024-05-02', time: '0-8' })}never/n1`;
      await storage.bucket(BUCKET).file(neverName).save('{"eventClass":"session"}\n', { resumable: false });
      let failedGeneration = '';
      for await (const o of source.list(failedName)) failedGeneration = o.generation;
      const records = mkdtempSync(join(tmpdir(), 'abf-status-runs-'));
      writeFileSync(
        join(records, '20000101-000000-0000.ndjson'),
        `${JSON.stringify({ type: 'start', runId: '20000101-000000-0000', source: `gs://${BUCKET}` })}\n` +
          `${JSON.stringify({ type: 'file', name: failedName, generation: failedGeneration, status: 'failed', error: 'quota' })}\n`,
      );
      const args = [
        'status',
        '--record-dir',
        records,
        '-b',
        `gs://${BUCKET}`,
        '-w',
        `bigquery:${bqEmu.project}`,
        '-s',
        SELECTION.start,
        '-u',
        SELECTION.stop,
      ];
      const r = await runMain([...args, '--json'], env, gcpCloudFactories(env));
      expect(r.code, r.stderr).toBe(0);
      const status = parseJsonOutput(r.stdout) as {
        partitions: {
          environment: string;
          category: string;
          ds: string;
          time: string;
          files: number;
          landed: number;
          rejecting: number;
          failed: number;
          missing: number;
          state: string;
        }[];
      };
      // Every file of this bucket but the late one holds a line that is not an event: each landed
      // file counts as landed with lines rejected (its ledger row says "1 debug rows").
      const late = (p: { environment: string; category: string; ds: string; time: string }) =>
        p.environment === 'live' && p.ds === '2024-05-02' && p.time === '16-24' && p.category === 'economy' ? 1 : 0;
      expect(status.partitions.map((p) => p.rejecting)).toEqual(
        status.partitions.map((p) => p.landed - Math.min(p.landed, late(p))),
      );
      expect(status.partitions.some((p) => p.rejecting > 0)).toBe(true);
      const cell = status.partitions.find(
        (p) => p.category === 'session' && p.ds === '2024-05-01' && p.time === '8-16',
      );
      expect(cell).toMatchObject({ environment: 'live', failed: 1, state: 'failed' });
      const never = status.partitions.find(
        (p) => p.category === 'session' && p.ds === '2024-05-02' && p.time === '0-8',
      );
      expect(never).toMatchObject({
        environment: 'live',
        files: 5,
        landed: 4,
        missing: 1,
        failed: 0,
        state: 'partial',
      });
      expect(status.partitions.filter((p) => p.failed > 0)).toHaveLength(1);
      const plan = await planBackfill({ source, warehouse, selection: SELECTION });
      expect(status.partitions.map((p) => `${p.environment} ${p.ds} ${p.time} ${p.files} ${p.landed}`)).toEqual(
        plan.partitions.map(
          (p) => `${p.partition.environment} ${p.partition.ds} ${p.partition.time} ${p.matched} ${p.alreadyIngested}`,
        ),
      );
      expect(status.partitions.length).toBeGreaterThan(0);
      const text = await runMain(args, { ...env, NO_COLOR: '1' }, gcpCloudFactories(env));
      await storage.bucket(BUCKET).file(failedName).delete();
      await storage.bucket(BUCKET).file(neverName).delete();
      expect(text.stdout).toMatch(/^live +[*!+\-.~ ]+$/m);
      expect(await rowsOf('logs.events_logs_function')).toBe(before);
    }, 120_000);

    it('a run interrupted by the Pub/Sub emulator stopping is resumed, sending only the rest', async () => {
      const received = new Map<string, number>();
      const listen = async (pubsub: PubSub) => {
        const [topic] = await pubsub.createTopic('ingest');
        const [sub] = await topic.createSubscription('ingest-sub', { ackDeadlineSeconds: 60 });
        sub.on('message', (m: Message) => {
          m.ack();
          const name = m.attributes.objectId ?? '?';
          received.set(name, (received.get(name) ?? 0) + 1);
        });
        sub.on('error', () => undefined);
        return sub;
      };
      const waitReceived = async (n: number) => {
        const total = () => [...received.values()].reduce((a, b) => a + b, 0);
        await until(() => total() >= n, 30_000, `${n} messages`, 100).catch(() => undefined); // the counts are checked after
        await new Promise((r) => setTimeout(r, 500)); // a little longer, to see any duplicate arrive
      };

      // Pub/Sub mode plans without the ledger: the function writes it, later.
      const plan = await planBackfill({ source, selection: SELECTION, journalDir: recordDir });
      const total = plan.totals.toSend;
      expect(total).toBe(inSelection().length);

      const first = await startPubSub();
      const pubsub1 = emulatorPubSub(first.endpoint, first.project);
      const sub1 = await listen(pubsub1);
      // One file at a time, so the stop lands mid-run with an exact account on each side.
      const publisher1 = createPubSubPublisher({
        pubsub: pubsub1,
        topic: 'ingest',
        bucket: BUCKET,
        concurrency: 1,
        batchMaxMessages: 1,
        batchMaxMilliseconds: 1,
        retryTotalTimeoutMs: 1500,
        rpcTimeoutMs: 500,
      });
      let published = 0;
      let stopped: Promise<void> | undefined;
      // After the 20th file is out (and seen by the subscriber), the emulator is stopped before the
      // next send: the interruption lands at the same place however loaded the machine is.
      const gated: Publisher = {
        url: publisher1.url,
        concurrency: 1,
        async send(object, runId) {
          if (stopped) await stopped;
          const r = await publisher1.send(object, runId);
          if (r.status === 'published' && ++published === 20) stopped = waitReceived(20).then(() => first.stop());
          return r;
        },
        close: () => publisher1.close(),
      };
      const runId1 = newRunId();
      const record1 = RunRecord.create(recordDir, {
        type: 'start',
        runId: runId1,
        createdAt: new Date().toISOString(),
        source: source.url,
        publisher: gated.url,
        selection: plan.selection,
        reprocess: false,
        planned: total,
      });
      const controller = new AbortController();
      let failedSoFar = 0;
      const summary1 = await runBackfill({
        plan,
        publisher: gated,
        record: record1,
        runId: runId1,
        signal: controller.signal,
        onEvent: (e) => {
          // A few failures in a row after the stop: the operator interrupts (Ctrl-C).
          if (e.type === 'file' && e.status === 'failed' && ++failedSoFar >= 3) controller.abort();
        },
      });
      await stopped;
      void publisher1.close().catch(() => undefined);
      void sub1.close().catch(() => undefined);
      void pubsub1.close().catch(() => undefined);
      expect(summary1.counts.published).toBe(20);
      expect(summary1.interrupted).toBe(true);
      expect(summary1.counts.failed).toBeGreaterThan(0);
      expect(summary1.counts.published + summary1.counts.failed + summary1.notSent).toBe(total);
      const firstDelivered = new Set(received.keys());
      const rec1 = readRunRecord(runId1, recordDir);
      const sent1 = sentKeys([rec1]);
      expect(sent1.size).toBe(summary1.counts.published);
      // What the record calls published is what the subscriber got (up to the last instants before the stop).
      const planned = await planFiles(plan);
      for (const name of firstDelivered)
        expect(sent1.has(`${name}#${planned.find((o) => o.name === name)!.generation}`)).toBe(true);

      // Resume: plan again leaving out what the first run sent; publish to a fresh emulator.
      const second = await startPubSub();
      try {
        const pubsub2 = emulatorPubSub(second.endpoint, second.project);
        received.clear();
        const sub2 = await listen(pubsub2);
        const resumePlan = await planBackfill({ source, selection: SELECTION, exclude: sent1, journalDir: recordDir });
        expect(resumePlan.totals.toSend).toBe(total - sent1.size);
        const publisher2 = createPubSubPublisher({ pubsub: pubsub2, topic: 'ingest', bucket: BUCKET });
        const summary2 = await run(publisher2, resumePlan, runId1);
        expect(summary2.counts).toMatchObject({ published: total - sent1.size, failed: 0 });
        await waitReceived(total - sent1.size);
        expect(received.size).toBe(total - sent1.size);
        const sentNames = new Set([...sent1].map((key) => key.slice(0, key.lastIndexOf('#')))); // all published
        for (const [name, n] of received) {
          expect(n, name).toBe(1);
          expect(sentNames.has(name), name).toBe(false);
        }
        // Both runs together: every selected file published exactly once. (A message the first
        // emulator acknowledged in its last instant may have died with it undelivered: Pub/Sub
        // itself does not lose acknowledged messages, so that is the emulator's stop, not a gap.)
        expect(new Set([...sentNames, ...received.keys()]).size).toBe(total);
        await sub2.close();
        await pubsub2.close();
      } finally {
        await second.stop();
      }
    }, 240_000);
  },
);
