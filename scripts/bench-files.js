// Issue 10's benchmark, with issue 28's limits: many small files ingested directly into a fresh
// DuckDB file by the CLI (`--yes`), against DuckDB's own load of the same files measured in the same
// run (the faster of 1 and 2 threads), and a plain Node pass that walks the folder, reads every file
// and JSON.parses every line (the floor). Two cases, each checked exactly:
//  - 10,000 files of 10 events (2 environments × 2 categories × 5 days × 3 buckets): ratio to DuckDB's
//    own load (limit 1.0×); every event lands once, one ledger row per file, a second run adds nothing.
//  - 20,000 and 100,000 one-event files: files/s (limit ≥ 10,000 at 100,000) and peak RSS (≤ 256 MiB, the
//    100k peak within 15% of the 20k peak). Then `status --json` over the same folder and DuckDB file
//    (issue 15: within 256 MiB, in seconds; every file counted as landed).
// BENCH_FILES_CASES=small,one picks cases; BENCH_FILES_ONE=20000,100000 the one-event sizes.
// A wrong count always fails the bench; a figure past its limit is printed as `LIMIT MISSED` and
// fails it only with BENCH_STRICT=1 (CI runs it to measure and to check the counts).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import { duckdbOwnLoad, measure } from './bench-lib.js';

const BIN = fileURLToPath(new URL('../bin/analytics-backfill.js', import.meta.url));
const cases = (process.env.BENCH_FILES_CASES ?? 'small,one').split(',');
const oneSizes = (process.env.BENCH_FILES_ONE ?? '20000,100000').split(',').map(Number);
const TIMES = ['0-8', '8-16', '16-24'];
const root = mkdtempSync(join(tmpdir(), 'bench-files-'));
let failed = false;
const strict = process.env.BENCH_STRICT === '1';

/** `n` files spread over environments × categories × days × buckets, `events` events each. */
function writeFiles(bucket, n, events, envs, cats, days) {
  const parts = [];
  for (const e of envs) for (const c of cats) for (const d of days) for (const t of TIMES) parts.push([e, c, d, t]);
  const dirs = parts.map(([e, c, d, t]) =>
    join(
      bucket,
      'data_type=json',
      `analytics_environment=${e}`,
      `event_category=${c}`,
      `event_ds=${d}`,
      `event_time=${t}`,
    ),
  );
  for (const dir of dirs) mkdirSync(dir, { recursive: true });
  for (let i = 0; i < n; i++) {
    const p = i % parts.length;
    const [env, cat, ds] = parts[p];
    let text = '';
    for (let k = 0; k < events; k++) {
      text += `${JSON.stringify({ eventClass: cat, eventType: 'bench', eventId: `${i}-${k}`, sessionId: `s${i % 97}`, eventTimestamp: `${ds}T03:00:00.000Z`, analyticsEnvironment: env, eventAttributes: { level: k, score: i * 7, name: 'player-one', items: [1, 2, 3] } })}\n`;
    }
    writeFileSync(join(dirs[p], `20240301T000000Z-${String(i).padStart(7, '0')}.json`), text);
  }
}

/** The floor: walk, read, JSON.parse every line; prints the count of events. */
const floorScript = (dir) => `
  const fs = require('node:fs'); const path = require('node:path');
  let n = 0;
  for (const e of fs.readdirSync(${JSON.stringify(dir)}, { recursive: true, withFileTypes: true })) {
    if (!e.isFile()) continue;
    for (const line of fs.readFileSync(path.join(e.parentPath, e.name), 'utf8').split('\\n')) if (line) { JSON.parse(line); n++; }
  }
  console.log(n);`;

async function counts(db) {
  const instance = await DuckDBInstance.create(db, { access_mode: 'READ_ONLY' });
  const c = await instance.connect();
  const [[events, distinct]] = (
    await c.runAndReadAll('SELECT count(*), count(DISTINCT event_id) FROM events.events_function')
  ).getRowsJS();
  const [[ledger, ledgerDistinct]] = (
    await c.runAndReadAll(
      "SELECT count(*), count(DISTINCT file_path) FROM logs.events_logs_function WHERE starts_with(event, 'ingested')",
    )
  ).getRowsJS();
  c.closeSync();
  instance.closeSync();
  return {
    events: Number(events),
    distinct: Number(distinct),
    ledger: Number(ledger),
    ledgerDistinct: Number(ledgerDistinct),
  };
}

async function ingest(bucket, db, envs, cats, start, stop, runs) {
  const r = await measure(
    [
      BIN,
      '--gcs-bucket',
      bucket,
      '--warehouse',
      `duckdb:${db}`,
      '--analytics-environment',
      envs.join(','),
      '--event-category',
      cats.join(','),
      '--event-ds-start',
      start,
      '--event-ds-stop',
      stop,
      '--record-dir',
      runs,
      '--yes',
      '--json',
    ],
    { exec: true },
  );
  if (r.code !== 0) {
    console.error(r.stderr);
    throw new Error(`the CLI exited ${r.code}`);
  }
  return { ...r, summary: JSON.parse(r.stdout) };
}

/** A count that must be exact. */
function check(what, ok) {
  if (!ok) {
    console.error(`CHECK FAILED: ${what}`);
    failed = true;
  }
}

/** A speed or memory figure against its limit. */
function limit(what, ok) {
  if (!ok) {
    console.error(`LIMIT MISSED: ${what}`);
    if (strict) failed = true;
  }
}

const round = (x, d = 2) => +x.toFixed(d);

if (cases.includes('small')) {
  const n = 10_000;
  const envs = ['live', 'testing'];
  const cats = ['gameplay', 'economy'];
  const days = ['2024-03-01', '2024-03-02', '2024-03-03', '2024-03-04', '2024-03-05'];
  const bucket = join(root, 'small');
  writeFiles(bucket, n, 10, envs, cats, days);
  const floor = await measure(['-e', floorScript(bucket)]);
  const own = await duckdbOwnLoad(`${bucket}/**/*.json`, join(root, 'own.duckdb'));
  check('10k: DuckDB itself loads every event', own.code === 0 && own.stdout.trim() === String(n * 10));
  const db = join(root, 'small.duckdb');
  const first = await ingest(bucket, db, envs, cats, days[0], days.at(-1), join(root, 'runs'));
  const again = await ingest(bucket, db, envs, cats, days[0], days.at(-1), join(root, 'runs'));
  const c = await counts(db);
  check('10k: every event once', c.events === n * 10 && c.distinct === n * 10);
  check('10k: one ledger row per file', c.ledger === n && c.ledgerDistinct === n);
  check('10k: the second run adds nothing', again.summary.totals.toSend === 0 && (await counts(db)).events === n * 10);
  const ratio = first.seconds / floor.seconds;
  const vsOwn = first.seconds / own.seconds;
  // Issue 28: no slower than DuckDB's own load of the same files (the faster of 1 and 2 threads).
  limit(`10k: ${round(vsOwn)}× DuckDB's own load (${round(own.seconds)} s), limit 1.0×`, vsOwn <= 1);
  console.log(
    JSON.stringify({
      bench: 'files-10k-x10-duckdb',
      files: n,
      events: n * 10,
      floorSeconds: round(floor.seconds),
      floorRssMiB: Math.round(floor.rssMiB),
      ingestSeconds: round(first.seconds),
      ingestCpuSeconds: round(first.cpuSeconds),
      ingestRssMiB: Math.round(first.rssMiB),
      ratio: round(ratio),
      duckdbOwnLoadSeconds: round(own.seconds),
      duckdbOwnRatio: round(own.seconds / floor.seconds),
      duckdbOwnThreads: own.threads,
      vsDuckDbOwn: round(vsOwn),
      filesPerSecond: Math.round(n / first.seconds),
      secondRunSeconds: round(again.seconds),
      ...c,
      limits: { vsDuckDbOwn: 1 },
    }),
  );
}

/** `status --json` over a folder of `n` landed files: seconds and peak RSS, and the counts checked. */
async function statusOver(bucket, db, n, days) {
  const args = ['status', '--gcs-bucket', bucket, '--warehouse', `duckdb:${db}`];
  const r = await measure([BIN, ...args, '--event-ds-start', days[0], '--event-ds-stop', days.at(-1), '--json'], {
    exec: true,
  });
  const totals = r.code === 0 ? JSON.parse(r.stdout).totals : {};
  check(`status over ${n}: every file counted, all landed`, totals.files === n && totals.landed === n);
  limit(`status over ${n}: peak RSS ${Math.round(r.rssMiB)} MiB, limit 256`, r.rssMiB <= 256);
  console.log(
    JSON.stringify({
      bench: `status-${n}-duckdb`,
      files: n,
      seconds: round(r.seconds),
      rssMiB: Math.round(r.rssMiB),
      limits: { rssMiB: 256 },
    }),
  );
}

if (cases.includes('one')) {
  const peaks = {};
  for (const n of oneSizes) {
    const bucket = join(root, `one-${n}`);
    const days = Array.from({ length: 28 }, (_, i) => `2024-03-${String(i + 1).padStart(2, '0')}`);
    writeFiles(bucket, n, 1, ['live'], ['load'], days);
    const db = join(root, `one-${n}.duckdb`);
    const r = await ingest(bucket, db, ['live'], ['load'], days[0], days.at(-1), join(root, 'runs'));
    const c = await counts(db);
    check(
      `${n}: every event once, one ledger row per file`,
      c.events === n && c.distinct === n && c.ledger === n && c.ledgerDistinct === n,
    );
    const rate = n / r.seconds;
    // Issue 28's rate is for 100,000 files; a smaller run is mostly start-up (DuckDB, the plan): printed, not limited.
    const rateLimited = n >= 100_000;
    if (rateLimited) limit(`${n}: ${Math.round(rate)} files/s, limit ≥ 10,000`, rate >= 10_000);
    limit(`${n}: peak RSS ${Math.round(r.rssMiB)} MiB, limit 256`, r.rssMiB <= 256);
    peaks[n] = r.rssMiB;
    if (n === Math.max(...oneSizes)) await statusOver(bucket, db, n, days);
    console.log(
      JSON.stringify({
        bench: `files-${n}-x1-duckdb`,
        files: n,
        seconds: round(r.seconds),
        cpuSeconds: round(r.cpuSeconds),
        filesPerSecond: Math.round(rate),
        rssMiB: Math.round(r.rssMiB),
        ...c,
        limits: { ...(rateLimited ? { filesPerSecond: 10_000 } : {}), rssMiB: 256 },
      }),
    );
    rmSync(bucket, { recursive: true, force: true });
  }
  const [small, large] = [Math.min(...oneSizes), Math.max(...oneSizes)];
  if (small !== large) {
    const growth = peaks[large] / peaks[small];
    limit(`peak RSS at ${large} is ${round(growth)}× the peak at ${small}, limit 1.15×`, growth <= 1.15);
    console.log(
      JSON.stringify({ bench: 'files-rss-growth', from: small, to: large, growth: round(growth), limit: 1.15 }),
    );
  }
}

rmSync(root, { recursive: true, force: true });
process.exitCode = failed ? 1 : 0;
