#!/usr/bin/env node
// Issue 12's benchmark: what the BigQuery warehouse issues against BigQuery's quotas, for 1,000 and
// 10,000 small files (10 events each) written directly through the warehouse (the path the CLI's
// `--warehouse bigquery` and the function share) on the BigQuery emulator, staged through the
// Storage Write API and promoted when the writer closes. Each case checks its counts exactly
// (every event once, one ledger row per file) and prints, per case: appends, rows and bytes
// appended, promotions, DML statements per table, query jobs, an on-demand bytes-billed estimate,
// and the ceiling in files/s those imply under BigQuery's published limits, beside the per-file
// DML path's (one transaction and one ledger query per file).
//
// The limits used (docs/exactly-once.md, with their sources):
//   - DML: 25 statements per 10 s per table (INSERT and UPDATE alike);
//   - Storage Write API: 3 GB/s per project (multi-region), requests up to 10 MB;
//   - on demand: $6.25 per TiB, at least 10 MB billed per table referenced per statement;
//   - Write API ingestion: $0.025 per GiB, the first 2 TiB a month free.
//
// Then `--follow` (issue 30) over every file of the size: `follow.queriesPerLook` is what one look
// at the warehouse costs, the same whatever the number of files followed.
//
// BENCH_BQ_FILES=1000,10000 picks the sizes. A wrong count fails the bench. Needs Node 24 (type
// stripping for the shared test helpers), `npm run build` and `scripts/emulators.sh install`.
import { DEFAULT_TABLE_NAMES } from '../dist/core/schema/table-schemas.js';
import { logRow } from '../dist/core/parse/file-context.js';
import { createBigQueryWarehouse } from '../dist/gcp/bigquery/bigquery-warehouse.js';
import { followLanding } from '../dist/engine/follow-landing.js';
import { emulatorBigQuery } from '../dist/gcp/gcp-clients.js';
import { createWriteApiAppender } from '../dist/gcp/bigquery/write-api-appender.js';
import { emulatorWriterClient } from '../dist/gcp/bigquery/writer-client.js';
import { startBigQuery } from '../test/helpers/emulators.ts';

const sizes = (process.env.BENCH_BQ_FILES ?? '1000,10000').split(',').map(Number);
const EVENTS = 10;
const CONCURRENCY = 32;
const DML_PER_10S = 25;
const WRITE_API_BYTES_PER_S = 3e9;
const MIN_BILLED = 10 * 1024 * 1024;
const USD_PER_TIB = 6.25;
const log = (...a) => console.error('[bench-bigquery]', ...a);

const emu = await startBigQuery();
let failed = false;
try {
  const bq = emulatorBigQuery(emu.endpoint, emu.project);
  for (const files of sizes) {
    const names = {
      ...DEFAULT_TABLE_NAMES,
      eventsDataset: `bench_events_${files}`,
      logsDataset: `bench_logs_${files}`,
    };
    const client = emulatorWriterClient(emu.grpc, emu.project);
    const wh = createBigQueryWarehouse({
      bigquery: bq,
      tables: names,
      staging: { appender: (project) => createWriteApiAppender({ client, project, names }), promote: 'when-closed' },
    });
    await wh.ensureTables();
    const started = performance.now();
    const writer = wh.openWriter();
    let next = 0;
    const one = async (i) => {
      const name = `data_type=json/analytics_environment=live/event_category=bench/event_ds=2026-03-0${1 + (i % 5)}/event_time=0-8/f-${i}.json`;
      const ctx = {
        bucket: 'b',
        name,
        filePath: `gs://b/${name}`,
        generation: '1',
        jobName: 'bench',
        insertedAt: 1772323200000000n,
      };
      const events = Array.from({ length: EVENTS }, (_, k) => ({
        analytics_environment: 'live',
        batch_id: null,
        event_id: `${i}-${k}`,
        event_index: BigInt(k),
        event_source: 'client',
        event_class: 'bench',
        event_type: 't',
        session_id: `s${i % 97}`,
        build_version: '1',
        event_environment: 'live',
        event_timestamp: 1772323200000000n + BigInt(k),
        received_timestamp: null,
        inserted_timestamp: ctx.insertedAt,
        job_name: 'bench',
        event_attributes: '{"level":3,"score":1234,"items":[1,2,3]}',
      }));
      await writer.write(
        { filePath: ctx.filePath, generation: '1' },
        (async function* () {
          yield { events: [], debug: [], logs: [logRow(ctx, 'parse_initiated')] };
          yield { events, debug: [], logs: [logRow(ctx, `ingested: ${EVENTS} events, 0 debug rows`)] };
        })(),
      );
    };
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < files) await one(next++);
      }),
    );
    const staged = performance.now();
    await writer.close(); // promotes, and waits until every file landed
    const seconds = (performance.now() - started) / 1000;
    const promoteSeconds = (performance.now() - staged) / 1000;
    await wh.close();

    const count = async (sql) => Number((await bq.query({ query: sql }))[0][0].n);
    const events = await count(
      `SELECT COUNT(DISTINCT event_id) AS n FROM \`${emu.project}.${names.eventsDataset}.${names.eventsTable}\``,
    );
    const rows = await count(
      `SELECT COUNT(*) AS n FROM \`${emu.project}.${names.eventsDataset}.${names.eventsTable}\``,
    );
    const ledger = await count(
      `SELECT COUNT(*) AS n FROM \`${emu.project}.${names.logsDataset}.${names.logsTable}\` WHERE STARTS_WITH(event, 'ingested')`,
    );
    if (events !== files * EVENTS || rows !== files * EVENTS || ledger !== files) {
      console.error(
        `CHECK FAILED: ${files} files: ${rows} event rows (${events} distinct), ${ledger} ledger rows; expected ${files * EVENTS} and ${files}`,
      );
      failed = true;
    }

    // --follow over every file of this size: a look costs the same queries whatever the count.
    const watcher = createBigQueryWarehouse({
      bigquery: bq,
      tables: names,
      staging: { appender: (project) => createWriteApiAppender({ client, project, names }), promote: 'when-closed' },
    });
    const followed = await followLanding({
      warehouse: watcher,
      files: Array.from({ length: files }, (_, i) => ({
        filePath: `gs://b/data_type=json/analytics_environment=live/event_category=bench/event_ds=2026-03-0${1 + (i % 5)}/event_time=0-8/f-${i}.json`,
        generation: '1',
        day: `2026-03-0${1 + (i % 5)}`,
      })),
      startedAt: new Date('2026-02-28T00:00:00Z'),
      intervalMs: 1000,
      timeoutMs: 60_000,
    });
    const followQueriesPerLook = watcher.usage.ledgerQueries / followed.progress.looks;
    await watcher.close();
    if (followed.outcome !== 'landed' || followed.progress.landed !== files) {
      console.error(
        `CHECK FAILED: --follow saw ${followed.progress.landed} of ${files} files land (${followed.outcome})`,
      );
      failed = true;
    }

    const u = wh.usage;
    const bytesPerFile = u.bytesAppended / files;
    // Bytes billed, on demand: each promotion's statements read the staging table's recent rows
    // (about twice: the markers and counts, then the rows), the logs table for the ledger
    // anti-join, and each bills at least 10 MB per table referenced; the per-file path bills at
    // least 10 MB for its ledger query and its insert job per file.
    const perPromotion = Math.max(6 * MIN_BILLED, (2 * u.bytesAppended) / Math.max(1, u.promoter.promotions));
    const billed = u.promoter.promotions * perPromotion + u.ledgerQueries * MIN_BILLED;
    const perFileBilled = files * 2 * MIN_BILLED;
    const maxDmlPerTable = Math.max(...Object.values(u.promoter.dmlPerTable));
    // Ceilings: staging is bound by Write API throughput (a promotion a minute carries any number
    // of files); the per-file path by 25 DML statements per 10 s on the logs table (one per file).
    const ceiling = Math.floor(WRITE_API_BYTES_PER_S / bytesPerFile);
    const perFileCeiling = DML_PER_10S / 10;
    const figures = {
      bench: 'bigquery-staging',
      files,
      events: rows,
      seconds: +seconds.toFixed(1),
      promoteSeconds: +promoteSeconds.toFixed(1),
      appends: u.appends,
      rowsAppended: u.rowsAppended,
      mibAppended: +(u.bytesAppended / 2 ** 20).toFixed(2),
      promotions: u.promoter.promotions,
      dmlPerTable: u.promoter.dmlPerTable,
      queryJobs: u.promoter.promotions + u.promoter.queries + u.ledgerQueries,
      billedMiBEstimate: Math.round(billed / 2 ** 20),
      usdOnDemand: +((billed / 2 ** 40) * USD_PER_TIB).toFixed(4),
      writeApiUsd: +((u.bytesAppended / 2 ** 30) * 0.025).toFixed(5),
      ceilingFilesPerSecond: ceiling,
      follow: { looks: followed.progress.looks, queriesPerLook: followQueriesPerLook },
      perFilePath: {
        dmlPerTable: files,
        queryJobs: 2 * files,
        billedMiBEstimate: Math.round(perFileBilled / 2 ** 20),
        ceilingFilesPerSecond: perFileCeiling,
      },
      limits: { dmlPerTablePerWindow: 1, ceilingFilesPerSecond: 1000 },
    };
    console.log(JSON.stringify(figures));
    if (maxDmlPerTable > u.promoter.promotions || ceiling < 1000) {
      console.error(
        `LIMIT MISSED: ${files} files: ${maxDmlPerTable} DML statements on a table for ${u.promoter.promotions} promotions, ceiling ${ceiling} files/s`,
      );
      failed = true;
    }
    log(
      `${files} files: ${seconds.toFixed(1)} s (promotion ${promoteSeconds.toFixed(1)} s), ${u.appends} appends, ${u.promoter.promotions} promotions`,
    );
  }
} finally {
  await emu.stop();
}
process.exitCode = failed ? 1 : 0;
