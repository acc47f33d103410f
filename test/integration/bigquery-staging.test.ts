import type { BigQuery } from '@google-cloud/bigquery';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batchIdOf, logRow, type FileContext } from '../../src/core/parse/file-context.js';
import type { EventRow } from '../../src/core/schema/rows.js';
import {
  DEFAULT_TABLE_NAMES,
  EVENT_COLUMNS,
  LOG_COLUMNS,
  type TableNames,
} from '../../src/core/schema/table-schemas.js';
import { tableSpecs } from '../../src/gcp/bigquery/bigquery-ddl.js';
import { promotionSql } from '../../src/gcp/bigquery/bigquery-promotion-sql.js';
import type { StagingAppender } from '../../src/gcp/bigquery/bigquery-staging.js';
import { createBigQueryWarehouse, type StagingOptions } from '../../src/gcp/bigquery/bigquery-warehouse.js';
import { emulatorBigQuery } from '../../src/gcp/gcp-clients.js';
import { emulatorWriterClient } from '../../src/gcp/bigquery/writer-client.js';
import { createWriteApiAppender } from '../../src/gcp/bigquery/write-api-appender.js';
import { INGESTED_EVENT, ledgerKey, type RowBatch } from '../../src/ports/warehouse.js';
import { emulatorsAvailable, startBigQuery, type RunningEmulator } from '../helpers/emulators.js';

const nameOf = (i: number) =>
  `data_type=json/analytics_environment=live/event_category=economy/event_ds=2024-03-01/event_time=0-8/f-${i}.json`;

function ctxFor(i: number, generation = '1'): FileContext {
  const name = nameOf(i);
  return { bucket: 'b', name, filePath: `gs://b/${name}`, generation, jobName: 'test', insertedAt: 1709254923000000n };
}

function event(ctx: FileContext, i: number): EventRow {
  return {
    analytics_environment: 'live',
    batch_id: batchIdOf(ctx.name),
    event_id: `${ctx.name}-${i}`,
    event_index: BigInt(i),
    event_source: 'client',
    event_class: 'purchase',
    event_type: 'coins',
    session_id: 's',
    build_version: '1',
    event_environment: 'live',
    event_timestamp: 1709254923123456n + BigInt(i),
    received_timestamp: null,
    inserted_timestamp: ctx.insertedAt,
    job_name: ctx.jobName,
    event_attributes: `{"i":${i}}`,
  };
}

/** A file's batches: parse_initiated, `n` events (in batches of 100), one debug row, the ledger row; throws after `crashAfter` event batches. */
async function* file(ctx: FileContext, n: number, crashAfter?: number): AsyncGenerator<RowBatch> {
  yield { events: [], debug: [], logs: [logRow(ctx, 'parse_initiated')] };
  for (let i = 0, b = 0; i < n; i += 100, b++) {
    if (crashAfter !== undefined && b >= crashAfter) throw new Error('crash half-way');
    yield { events: Array.from({ length: Math.min(100, n - i) }, (_, k) => event(ctx, i + k)), debug: [], logs: [] };
  }
  yield {
    events: [],
    debug: [logRow(ctx, 'not json {')],
    logs: [logRow(ctx, `${INGESTED_EVENT}: ${n} events, 1 debug row`)],
  };
}

describe.skipIf(!emulatorsAvailable('BigQuery staging', ['bigquery']))(
  'BigQuery staging and promotion against bigquery-emulator',
  () => {
    let emu: RunningEmulator;
    let bq: BigQuery;
    let appender: StagingAppender;
    let n = 0;

    beforeAll(async () => {
      emu = await startBigQuery();
      bq = emulatorBigQuery(emu.endpoint, emu.project);
    }, 120_000);
    afterAll(async () => {
      await appender?.close();
      await emu?.stop();
    });

    /** Fresh tables, and a warehouse on them staging through `wrap(appender)`. */
    async function setup(
      wrap: (a: StagingAppender) => StagingAppender = (a) => a,
      staging: Partial<StagingOptions> = {},
    ) {
      const t: TableNames = { ...DEFAULT_TABLE_NAMES, eventsDataset: `ev_${++n}`, logsDataset: `lg_${n}` };
      const client = emulatorWriterClient(emu.grpc, emu.project);
      appender = createWriteApiAppender({ client, project: emu.project, names: t });
      const make = () =>
        createBigQueryWarehouse({
          bigquery: bq,
          tables: t,
          staging: { appender: wrap(appender), promote: 'when-closed', ...staging },
        });
      const wh = make();
      await wh.ensureTables();
      return { t, wh, make };
    }
    async function count(table: string, where = 'TRUE'): Promise<number> {
      const [rows] = await bq.query({ query: `SELECT COUNT(*) AS n FROM \`${emu.project}.${table}\` WHERE ${where}` });
      return Number((rows[0] as { n: number }).n);
    }
    /** Every file exactly once: its events, its debug row, its two log rows (one the ledger's). */
    async function expectOnce(t: TableNames, files: number, eventsEach: number) {
      expect(await count(`${t.eventsDataset}.${t.eventsTable}`)).toBe(files * eventsEach);
      const [distinct] = await bq.query({
        query: `SELECT COUNT(DISTINCT event_id) AS n FROM \`${emu.project}.${t.eventsDataset}.${t.eventsTable}\``,
      });
      expect(Number((distinct[0] as { n: number }).n)).toBe(files * eventsEach);
      expect(await count(`${t.logsDataset}.${t.debugTable}`)).toBe(files);
      expect(await count(`${t.logsDataset}.${t.logsTable}`)).toBe(files * 2);
      expect(await count(`${t.logsDataset}.${t.logsTable}`, "STARTS_WITH(event, 'ingested')")).toBe(files);
    }

    it('stages files through the Write API and lands them when the writer closes: exact rows, ledger true, DML per promotion not per file', async () => {
      const { t, wh } = await setup();
      const writer = wh.openWriter();
      const keys = [1, 2, 3].map((i) => ctxFor(i));
      await Promise.all(
        keys.map((ctx) => writer.write({ filePath: ctx.filePath, generation: ctx.generation }, file(ctx, 150))),
      );
      // Staged, not landed yet: nothing in the tables, nothing in the ledger; the preview's lookup says staged.
      expect(await count(`${t.eventsDataset}.${t.eventsTable}`)).toBe(0);
      const asKeys = keys.map((c) => ({ filePath: c.filePath, generation: c.generation }));
      expect(await wh.ingested(asKeys)).toEqual(new Set());
      expect(await wh.staged!([...asKeys, { filePath: asKeys[0]!.filePath, generation: '2' }])).toEqual(
        new Set(asKeys.map(ledgerKey)),
      );
      await writer.close();
      await expectOnce(t, 3, 150);
      expect(await wh.ingested(keys.map((c) => ({ filePath: c.filePath, generation: c.generation })))).toEqual(
        new Set(keys.map((c) => ledgerKey({ filePath: c.filePath, generation: c.generation }))),
      );
      expect(wh.usage.promoter.promotions).toBe(1);
      expect(wh.usage.promoter.dmlPerTable[`${t.logsDataset}.${t.logsTable}`]).toBe(1);
      expect(wh.usage.appends).toBe(3); // per file: one request, its rows and then its marker
      // A second promotion finds nothing new.
      await wh.promoteNow();
      await expectOnce(t, 3, 150);
    }, 60_000);

    // (Adding file_generation to an old table is checked by metadata in bigquery-warehouse.test.ts: the
    // emulator accepts a new column, by tables.patch or ALTER TABLE, but never adds it to the table it queries.)
    it("writes the replaced pipeline's existing tables as they are: columns in another order", async () => {
      const t: TableNames = { ...DEFAULT_TABLE_NAMES, eventsDataset: `ev_${++n}`, logsDataset: `lg_${n}` };
      await bq.createDataset(t.eventsDataset);
      await bq.createDataset(t.logsDataset);
      // The old tables, their columns in another order.
      await bq.dataset(t.eventsDataset).createTable(t.eventsTable, {
        schema: { fields: [...EVENT_COLUMNS].reverse().map((c) => ({ name: c.name, type: c.type, mode: 'NULLABLE' })) },
        timePartitioning: { type: 'DAY', field: 'event_timestamp' },
      });
      for (const table of [t.logsTable, t.debugTable]) {
        await bq.dataset(t.logsDataset).createTable(table, {
          schema: { fields: [...LOG_COLUMNS].reverse().map((c) => ({ name: c.name, type: c.type, mode: 'NULLABLE' })) },
          timePartitioning: { type: 'DAY', field: 'event_ds' },
        });
      }
      const client = emulatorWriterClient(emu.grpc, emu.project);
      const wh = createBigQueryWarehouse({
        bigquery: bq,
        tables: t,
        staging: {
          appender: (project) => createWriteApiAppender({ client, project, names: t }),
          promote: 'when-closed',
        },
      });
      await wh.ensureTables();
      const writer = wh.openWriter();
      await writer.write({ filePath: ctxFor(1).filePath, generation: '1' }, file(ctxFor(1), 120));
      await writer.close();
      await wh.close();
      await expectOnce(t, 1, 120);
      const [rows] = await bq.query({
        query: `SELECT event_id, event_index, session_id FROM \`${emu.project}.${t.eventsDataset}.${t.eventsTable}\` WHERE event_index = 7`,
      });
      expect(rows[0]).toMatchObject({ event_index: 7, session_id: 's' }); // each value in its own column
      const [logs] = await bq.query({
        query: `SELECT file_generation FROM \`${emu.project}.${t.logsDataset}.${t.logsTable}\` WHERE STARTS_WITH(event, 'ingested')`,
      });
      expect(logs).toEqual([{ file_generation: '1' }]);
    }, 60_000);

    it('a re-sent append (every request sent twice) still lands each row once', async () => {
      const twice = (a: StagingAppender): StagingAppender => ({
        append: async (rows) => (await a.append(rows), a.append(rows)),
        close: () => a.close(),
      });
      const { t, wh } = await setup(twice);
      const writer = wh.openWriter();
      await writer.write({ filePath: ctxFor(1).filePath, generation: '1' }, file(ctxFor(1), 250));
      await writer.close();
      await expectOnce(t, 1, 250);
    }, 60_000);

    it('an attempt that crashed after part of its rows never lands; the retry lands once', async () => {
      const { t, wh } = await setup(undefined, { limits: { maxRequestRows: 50 } });
      const ctx = ctxFor(1);
      const key = { filePath: ctx.filePath, generation: ctx.generation };
      const first = wh.openWriter();
      await expect(first.write(key, file(ctx, 400, 2))).rejects.toThrow('crash half-way');
      await first.close();
      expect(await count(`${t.eventsDataset}.${t.eventsTable}`)).toBe(0); // staged rows without a marker: never promoted
      const again = wh.openWriter();
      await again.write(key, file(ctx, 400));
      await again.close();
      await expectOnce(t, 1, 400);
    }, 60_000);

    it('a crash after the marker but before promotion: the next promotion lands the file once', async () => {
      const { t, wh, make } = await setup();
      const ctx = ctxFor(1);
      await wh.openWriter().write({ filePath: ctx.filePath, generation: '1' }, file(ctx, 120)); // staged whole; never closed (the process died)
      expect(await count(`${t.eventsDataset}.${t.eventsTable}`)).toBe(0);
      await make().promoteNow(); // the scheduler's promotion, from another process
      await expectOnce(t, 1, 120);
    }, 60_000);

    it('a local file: a ledger row of its former generation (time alone) counts as landed; another size is a new version', async () => {
      const { t, wh, make } = await setup();
      const local = (generation: string): FileContext => ({
        ...ctxFor(1, generation),
        filePath: `/srv/mirror/${nameOf(1)}`,
      });
      const keyOf = (ctx: FileContext) => ({ filePath: ctx.filePath, generation: ctx.generation });
      const former = local('1709254923000001'); // as versions before sizes were part of it wrote it
      const writer = wh.openWriter();
      await writer.write(keyOf(former), file(former, 120));
      await writer.close();
      await expectOnce(t, 1, 120);

      const same = local('1709254923000001:4096');
      const replaced = local('1709254923000002:4096');
      expect(await wh.ingested([keyOf(same), keyOf(replaced)])).toEqual(new Set([ledgerKey(keyOf(same))]));
      const again = make();
      const w2 = again.openWriter();
      await w2.write(keyOf(same), file(same, 120)); // sent again: promotion leaves it out
      await w2.close();
      await expectOnce(t, 1, 120);

      // Landed under a sized generation, a copy of another size is another version, and lands.
      const sized = make();
      const w3 = sized.openWriter();
      await w3.write(keyOf(replaced), file(replaced, 120));
      await w3.close();
      const resized = local('1709254923000002:5000');
      expect(await sized.ingested([keyOf(replaced), keyOf(resized)])).toEqual(new Set([ledgerKey(keyOf(replaced))]));
      const w4 = make().openWriter();
      await w4.write(keyOf(resized), file(resized, 120));
      await w4.close();
      expect(await count(`${t.logsDataset}.${t.logsTable}`, "STARTS_WITH(event, 'ingested')")).toBe(3);
    }, 60_000);

    it('the same file delivered twice at once, and two promoters racing: one copy', async () => {
      const { t, wh, make } = await setup();
      const ctx = ctxFor(1);
      const key = { filePath: ctx.filePath, generation: '1' };
      const [a, b] = [wh.openWriter(), make().openWriter()];
      await Promise.all([a.write(key, file(ctx, 200)), b.write(key, file(ctx, 200))]);
      await Promise.all([a.close(), b.close(), make().promoteNow()]);
      await expectOnce(t, 1, 200);
    }, 60_000);

    it("the same window's promotion is started once; a promotion that fails mid-transaction lands nothing, the next lands all once", async () => {
      const { t, wh } = await setup(undefined, {
        promote: 'each-window',
        now: () => Date.UTC(2026, 0, 1, 12, 0, 30) + n * 60_000,
      }); // one window, whatever the test's duration
      const ctx = ctxFor(1);
      // A promotion that dies after inserting the events, before the logs (the ledger): rolled back whole.
      const broken = promotionSql(emu.project, t, tableSpecs(t), 'broken', 48).replace(
        /INSERT INTO `[^`]+\.lg_\d+\.events_logs_function`[^;]*;/,
        "SELECT CAST('promoter crashed' AS INT64);",
      );
      const writer = wh.openWriter();
      await writer.write({ filePath: ctx.filePath, generation: '1' }, file(ctx, 100)); // started this window's promotion
      await writer.close();
      await expectOnce(t, 1, 100);
      expect(wh.usage.promoter.promotions).toBe(1);
      const ctx2 = ctxFor(2);
      await wh.openWriter().write({ filePath: ctx2.filePath, generation: '1' }, file(ctx2, 100)); // same window: found, not started again
      expect(wh.usage.promoter.promotions).toBe(1);
      await expect(bq.query({ query: broken })).rejects.toThrow(/promoter crashed/);
      expect(await count(`${t.eventsDataset}.${t.eventsTable}`)).toBe(100);
      await wh.promoteNow();
      await expectOnce(t, 2, 100);
    }, 60_000);

    it('a large file streams in many requests and lands whole (scaled: 5,000 events in requests of 64 KiB)', async () => {
      const { t, wh } = await setup(undefined, { limits: { maxRequestBytes: 64 * 1024 } });
      const ctx = ctxFor(1);
      const writer = wh.openWriter();
      await writer.write({ filePath: ctx.filePath, generation: '1' }, file(ctx, 5_000));
      await writer.close();
      expect(wh.usage.appends).toBeGreaterThan(20);
      await expectOnce(t, 1, 5_000);
    }, 120_000);
  },
);
