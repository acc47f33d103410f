import type { BigQuery } from '@google-cloud/bigquery';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batchIdOf, logRow, type FileContext } from '../../src/core/parse/file-context.js';
import type { EventRow } from '../../src/core/schema/rows.js';
import { DEFAULT_TABLE_NAMES, type TableNames } from '../../src/core/schema/table-schemas.js';
import { emulatorBigQuery } from '../../src/gcp/gcp-clients.js';
import { INGESTED_EVENT, ledgerKey, writeOneFile, type RowBatch } from '../../src/ports/warehouse.js';
import { emulatorsAvailable, startBigQuery, type RunningEmulator } from '../helpers/emulators.js';
import { stagedWarehouse } from '../helpers/staged-warehouse.js';

const NAME =
  'data_type=json/analytics_environment=staging/event_category=economy/event_ds=2024-03-01/event_time=0-8/sess-1/20240301T010203Z-000001';

function ctxFor(name: string, generation: string): FileContext {
  return {
    bucket: 'b',
    name,
    filePath: `gs://b/${name}`,
    generation,
    jobName: 'analytics-backfill/run-1',
    insertedAt: 1709254923000000n,
  };
}

function event(ctx: FileContext, i: number, extra: Partial<EventRow> = {}): EventRow {
  return {
    analytics_environment: 'staging',
    batch_id: batchIdOf(ctx.name),
    event_id: `e-${i}`,
    event_index: BigInt(i),
    event_source: 'client',
    event_class: 'purchase',
    event_type: 'coins',
    session_id: 'sess-1',
    build_version: '1.2.3',
    event_environment: 'prod',
    event_timestamp: 1709254923123456n + BigInt(i),
    received_timestamp: null,
    inserted_timestamp: ctx.insertedAt,
    job_name: ctx.jobName,
    event_attributes: `{"i":${i}}`,
    ...extra,
  };
}

/** A file as the ingest path hands it over: parse_initiated first, rows, the ledger row last. */
async function* fileBatches(
  ctx: FileContext,
  events: EventRow[],
  debug: string[],
  perBatch = 50,
  failAfter?: number,
): AsyncGenerator<RowBatch> {
  yield { events: [], debug: [], logs: [logRow(ctx, 'parse_initiated')] };
  let n = 0;
  for (let i = 0; i < events.length; i += perBatch) {
    if (failAfter !== undefined && n++ >= failAfter) throw new Error('crash half-way');
    yield { events: events.slice(i, i + perBatch), debug: [], logs: [] };
  }
  yield { events: [], debug: debug.map((d) => logRow(ctx, d)), logs: [] };
  yield {
    events: [],
    debug: [],
    logs: [logRow(ctx, `${INGESTED_EVENT}: ${events.length} events, ${debug.length} debug rows`)],
  };
}

describe.skipIf(!emulatorsAvailable('BigQuery warehouse', ['bigquery']))(
  'BigQuery warehouse against bigquery-emulator',
  () => {
    let emu: RunningEmulator;
    let bq: BigQuery;

    beforeAll(async () => {
      emu = await startBigQuery();
      bq = emulatorBigQuery(emu.endpoint, emu.project);
    }, 120_000);

    afterAll(async () => {
      await emu?.stop();
    });

    const names = (suffix: string): TableNames => ({
      eventsDataset: `events_${suffix}`,
      eventsTable: DEFAULT_TABLE_NAMES.eventsTable,
      logsDataset: `logs_${suffix}`,
      logsTable: DEFAULT_TABLE_NAMES.logsTable,
      debugTable: DEFAULT_TABLE_NAMES.debugTable,
    });

    async function count(table: string, where = 'TRUE'): Promise<number> {
      const [rows] = await bq.query({ query: `SELECT COUNT(*) AS n FROM \`${emu.project}.${table}\` WHERE ${where}` });
      return Number((rows[0] as { n: number }).n);
    }

    it('creates the datasets and partitioned tables, and adds missing columns to existing ones', async () => {
      const t = names('ddl');
      // An existing logs table from the replaced pipeline, without file_generation.
      await bq.createDataset(t.logsDataset);
      await bq.dataset(t.logsDataset).createTable(t.logsTable, {
        schema: {
          fields: [
            { name: 'job_name', type: 'STRING', mode: 'NULLABLE' },
            { name: 'event_ds', type: 'DATE', mode: 'NULLABLE' },
            { name: 'event', type: 'STRING', mode: 'NULLABLE' },
            { name: 'file_path', type: 'STRING', mode: 'NULLABLE' },
          ],
        },
        timePartitioning: { type: 'DAY', field: 'event_ds' },
      });
      const wh = stagedWarehouse(bq, emu, t);
      // Before any table exists the ledger is simply empty (a preview on a fresh project).
      expect(
        await stagedWarehouse(bq, emu, names('fresh')).ingested([{ filePath: `gs://b/${NAME}`, generation: '1' }]),
      ).toEqual(new Set());
      await wh.ensureTables();
      await wh.ensureTables(); // idempotent
      expect(wh.url).toBe(`bigquery:${emu.project}`);
      const [events] = await bq.dataset(t.eventsDataset).table(t.eventsTable).getMetadata();
      expect(events.timePartitioning).toMatchObject({ type: 'DAY', field: 'event_timestamp' });
      expect(events.schema.fields.map((f: { name: string }) => f.name)).toContain('event_attributes');
      const [logs] = await bq.dataset(t.logsDataset).table(t.logsTable).getMetadata();
      const logFields = logs.schema.fields.map((f: { name: string }) => f.name);
      expect(logFields).toContain('file_generation');
      expect(logFields).toContain('processed_timestamp');
      expect(logFields.slice(0, 4)).toEqual(['job_name', 'event_ds', 'event', 'file_path']);
      const [debug] = await bq.dataset(t.logsDataset).table(t.debugTable).getMetadata();
      expect(debug.timePartitioning).toMatchObject({ type: 'DAY', field: 'event_ds' });
    });

    it('finds the gaps in event_index within each session, per UTC day and time bucket of their midpoint; and reconciles a landed file', async () => {
      const t = names('gaps');
      const wh = stagedWarehouse(bq, emu, t);
      await wh.ensureTables();
      const ctx = ctxFor(NAME, '7');
      const at = (iso: string) => BigInt(Date.parse(iso)) * 1000n;
      const e = (session: string, index: number, iso: string, env = 'staging') =>
        event(ctx, index, {
          session_id: session,
          event_index: BigInt(index),
          event_timestamp: at(iso),
          event_id: `${session}-${index}`,
          analytics_environment: env,
        });
      const events = [
        e('s1', 1, '2024-03-01T01:00:00Z'),
        e('s1', 2, '2024-03-01T01:10:00Z'),
        e('s1', 5, '2024-03-01T01:20:00Z'),
        e('s2', 1, '2024-03-01T09:00:00Z'),
        e('s2', 4, '2024-03-01T19:00:00Z'),
        e('s3', 1, '2024-03-02T01:00:00Z'),
        e('s3', 2, '2024-03-02T02:00:00Z'), // no gap
        e('s4', 1, '2024-03-02T23:00:00Z'),
        e('s4', 3, '2024-03-03T03:00:00Z'),
        e('s5', 1, '2024-03-01T01:00:00Z', 'live'),
        e('s5', 9, '2024-03-01T02:00:00Z', 'live'), // another environment
        e('s7', 0, '2024-03-03T05:00:00Z'), // indexes at both ends of INT64: no overflow
        { ...e('s7', 0, '2024-03-03T05:10:00Z'), event_index: -9223372036854775808n, event_id: 's7-min' },
        { ...e('s7', 0, '2024-03-03T05:20:00Z'), event_index: 9223372036854775807n, event_id: 's7-max' },
        e('s6', 1, '2024-02-01T01:00:00Z'),
        e('s6', 5, '2024-02-01T02:00:00Z'), // outside the dates
      ];
      expect(
        await writeOneFile(wh, { filePath: ctx.filePath, generation: ctx.generation }, fileBatches(ctx, events, [])),
      ).toBe('staged');
      const day = (iso: string) => Date.parse(`${iso}T00:00:00Z`) / 86_400_000;
      const gaps = await wh.sessionGaps!({
        environments: ['staging'],
        firstDay: day('2024-03-01'),
        lastDay: day('2024-03-03'),
      });
      expect(gaps).toEqual([
        { environment: 'staging', day: day('2024-03-01'), bucket: 0, gaps: 1, missing: 2, sessions: 1 },
        { environment: 'staging', day: day('2024-03-01'), bucket: 1, gaps: 1, missing: 2, sessions: 1 },
        {
          environment: 'staging',
          day: day('2024-03-03'),
          bucket: 0,
          gaps: 3,
          missing: Number('18446744073709551614'),
          sessions: 2,
        },
      ]);
      // Reconciliation: the ledger row's counts against the rows found (events by the default batch_id).
      const key = { filePath: ctx.filePath, generation: ctx.generation };
      const landed = await wh.landed!([{ ...key, batchId: batchIdOf(ctx.name) }]);
      expect(landed.ledger.get(ledgerKey(key))).toBe(`ingested: ${events.length} events, 0 debug rows`);
      expect(landed.events.get(batchIdOf(ctx.name))).toBe(events.length);
      expect(landed.debug.get(ledgerKey(key)) ?? 0).toBe(0);
      expect(landed.batchParsed?.get(batchIdOf(ctx.name))).toBe(events.length);
      // A file in another partition with the same last two name segments: its events share the batch
      // id, and the ledger's sum over both says so (status --partition marked such files '!').
      const twin = ctxFor(NAME.replace('event_ds=2024-03-01', 'event_ds=2024-03-02'), '8');
      expect(batchIdOf(twin.name)).toBe(batchIdOf(ctx.name));
      const twinEvents = [1, 2].map((i) => event(twin, i, { event_id: `twin-${i}` }));
      await writeOneFile(
        wh,
        { filePath: twin.filePath, generation: twin.generation },
        fileBatches(twin, twinEvents, []),
      );
      const both = await wh.landed!([{ ...key, batchId: batchIdOf(ctx.name) }]);
      expect(both.events.get(batchIdOf(ctx.name))).toBe(events.length + 2);
      expect(both.batchParsed?.get(batchIdOf(ctx.name))).toBe(events.length + 2);
    });

    it('lands a file whole with the right types, records it in the ledger, and never twice', async () => {
      const t = names('write');
      const wh = stagedWarehouse(bq, emu, t);
      await wh.ensureTables();
      const ctx = ctxFor(NAME, '1709254923000001');
      const events = Array.from({ length: 120 }, (_, i) => event(ctx, i));
      events[0] = event(ctx, 0, {
        event_attributes: 'quote " backslash \\ newline \n unicode é 🎮 \u2028',
        event_timestamp: -62135596800000000n, // 0001-01-01
        received_timestamp: 253402300799999999n, // 9999-12-31T23:59:59.999999
        event_index: 9007199254740993n, // beyond double precision
      });
      const key = { filePath: ctx.filePath, generation: ctx.generation };
      expect(await wh.ingested([key])).toEqual(new Set());
      expect(await writeOneFile(wh, key, fileBatches(ctx, events, ['not json {', '[1,2]']))).toBe('staged');
      expect(await wh.ingested([key, { filePath: ctx.filePath, generation: '999' }])).toEqual(
        new Set([ledgerKey(key)]),
      );

      expect(await count(`${t.eventsDataset}.${t.eventsTable}`)).toBe(120);
      expect(await count(`${t.logsDataset}.${t.debugTable}`)).toBe(2);
      expect(await count(`${t.logsDataset}.${t.logsTable}`)).toBe(2);

      const [rows] = await bq.query({
        query: `SELECT *, CAST(event_index AS STRING) AS event_index_text FROM \`${emu.project}.${t.eventsDataset}.${t.eventsTable}\` WHERE event_id = @id`,
        params: { id: 'e-0' },
      });
      const r = rows[0] as Record<string, { value: string } | string | number | null>;
      expect(r.event_attributes).toBe('quote " backslash \\ newline \n unicode é 🎮 \u2028');
      expect((r.event_timestamp as { value: string }).value).toMatch(/^0001-01-01T00:00:00(\.0+)?Z$/);
      expect((r.received_timestamp as { value: string }).value).toMatch(/^9999-12-31T23:59:59\.999999(0+)?Z$/);
      expect(r.event_index_text).toBe('9007199254740993'); // exact: INT64 never went through a double
      const [r1] = await bq.query({
        query: `SELECT event_timestamp, inserted_timestamp, event_index, job_name, batch_id FROM \`${emu.project}.${t.eventsDataset}.${t.eventsTable}\` WHERE event_id = 'e-7'`,
      });
      const one = r1[0] as Record<string, { value: string } | string | number>;
      expect((one.event_timestamp as { value: string }).value).toMatch(/^2024-03-01T01:02:03\.123463(0+)?Z$/);
      expect((one.inserted_timestamp as { value: string }).value).toMatch(/^2024-03-01T01:02:03(\.0+)?Z$/);
      expect(Number(one.event_index)).toBe(7);
      expect(one.job_name).toBe('analytics-backfill/run-1');
      expect(one.batch_id).toBe(batchIdOf(NAME));
      const [logs] = await bq.query({
        query: `SELECT event, event_ds, file_path, file_generation, event_category, event_time FROM \`${emu.project}.${t.logsDataset}.${t.logsTable}\` ORDER BY event DESC`,
      });
      expect(logs[0]).toMatchObject({
        event: 'parse_initiated',
        file_path: ctx.filePath,
        file_generation: ctx.generation,
        event_category: 'economy',
        event_time: '0-8',
      });
      expect((logs[0] as { event_ds: { value: string } }).event_ds.value).toBe('2024-03-01');
      expect(String((logs[1] as { event: string }).event)).toMatch(/^ingested/);

      // The same file again: staged again, and the promotion lands nothing of it twice.
      expect(await writeOneFile(wh, key, fileBatches(ctx, events, []))).toBe('staged');
      expect(await count(`${t.eventsDataset}.${t.eventsTable}`)).toBe(120);
      expect(await count(`${t.logsDataset}.${t.logsTable}`)).toBe(2);
      // A new generation of the same name is another file.
      const ctx2 = ctxFor(NAME, '1709254923000002');
      expect(
        await writeOneFile(
          wh,
          { filePath: ctx2.filePath, generation: ctx2.generation },
          fileBatches(
            ctx2,
            events.slice(0, 10).map((e) => ({ ...e })),
            [],
          ),
        ),
      ).toBe('staged');
      expect(await count(`${t.eventsDataset}.${t.eventsTable}`)).toBe(130);
    });

    it('answers the ledger for thousands of files in chunks', async () => {
      const t = names('ledger');
      const wh = stagedWarehouse(bq, emu, t, { ledgerChunk: 500 });
      await wh.ensureTables();
      const files = Array.from({ length: 1500 }, (_, i) => ({
        filePath: `gs://b/${NAME}-${i}`,
        generation: String(i),
      }));
      for (const i of [3, 777, 1499]) {
        const f = files[i]!;
        const ctx = ctxFor(`${NAME}-${i}`, f.generation);
        await writeOneFile(wh, f, fileBatches(ctx, [event(ctx, 1)], []));
      }
      const got = await wh.ingested(files);
      expect(got).toEqual(new Set([3, 777, 1499].map((i) => ledgerKey(files[i]!))));
    });
  },
);
