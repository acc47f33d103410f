// Issue 2's benchmark: one 256 MiB NDJSON file ingested into DuckDB by the CLI, against a bare
// readline + JSON.parse pass over the same file. Prints a JSON line of figures. Then issue 11's:
// a 240 MiB file of events with 2 KB of attributes each (peak RSS ≤ 256 MiB), every event counted.
import { createWriteStream, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sampleEvent } from '../dist/demo/sample-bucket.js';
import { duckdbOwnLoad, measure } from './bench-lib.js';

const MIB = Number(process.env.BENCH_INGEST_MIB ?? 256);
const root = mkdtempSync(join(tmpdir(), 'bench-ingest-'));
const bucket = join(root, 'bucket');
const name =
  'data_type=json/analytics_environment=testing/event_category=bench/event_ds=2026-03-01/event_time=0-8/session-1/20260301T030000Z-000001';
const file = join(bucket, ...name.split('/'));
mkdirSync(dirname(file), { recursive: true });

// Write the file with backpressure so the generator itself stays small.
let seed = 7;
const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
const out = createWriteStream(file);
let bytes = 0;
let events = 0;
const at = new Date('2026-03-01T03:00:00Z');
while (bytes < MIB * 1024 * 1024) {
  const line = `${JSON.stringify(sampleEvent(random, 'testing', 'bench', 'session-1', at, events))}\n`;
  bytes += Buffer.byteLength(line);
  events++;
  if (!out.write(line)) await new Promise((r) => out.once('drain', r));
}
await new Promise((r) => out.end(r));

const baselineScript = `
  const rl = require('node:readline').createInterface({ input: require('node:fs').createReadStream(${JSON.stringify(file)}), crlfDelay: Infinity });
  let n = 0; rl.on('line', (l) => { if (l) { JSON.parse(l); n++; } }); rl.on('close', () => console.log(n));`;
const baseline = await measure(['-e', baselineScript]);
const bin = fileURLToPath(new URL('../bin/analytics-backfill.js', import.meta.url));
const db = join(root, 'bench.duckdb');
/** The CLI ingesting the bucket's one file of `category` into a new DuckDB file `db`, as npx runs it. */
const ingestCategory = (category, db) =>
  measure(
    [
      bin,
      ...['--gcs-bucket', bucket, '--warehouse', `duckdb:${db}`],
      ...['--analytics-environment', 'testing', '--event-category', category],
      ...['--event-ds-start', '2026-03-01', '--event-ds-stop', '2026-03-01'],
      ...['--record-dir', join(root, 'runs'), '--yes', '--json'],
    ],
    { exec: true },
  );
const ingest = await ingestCategory('bench', db);
if (ingest.code !== 0) {
  console.error(ingest.stderr);
  process.exit(1);
}
const summary = JSON.parse(ingest.stdout);
const own = await duckdbOwnLoad(file, join(root, 'own.duckdb'));
if (own.code !== 0 || own.stdout.trim() !== String(events)) {
  console.error(`CHECK FAILED: DuckDB itself loaded ${own.stdout.trim()} of ${events} events\n${own.stderr}`);
  process.exitCode = 1;
}
const figures = {
  bench: 'ingest-256MiB-duckdb',
  fileMiB: +(statSync(file).size / 1048576).toFixed(1),
  events,
  baselineSeconds: +baseline.seconds.toFixed(2),
  baselineRssMiB: +baseline.rssMiB.toFixed(0),
  ingestSeconds: +ingest.seconds.toFixed(2),
  ingestRssMiB: +ingest.rssMiB.toFixed(0),
  ratio: +(ingest.seconds / baseline.seconds).toFixed(2),
  duckdbOwnLoadSeconds: +own.seconds.toFixed(2),
  duckdbOwnRssMiB: +own.rssMiB.toFixed(0),
  duckdbOwnRatio: +(own.seconds / baseline.seconds).toFixed(2),
  duckdbOwnThreads: own.threads,
  vsDuckDbOwn: +(ingest.seconds / own.seconds).toFixed(2),
  ingested: summary.run?.counts?.ingested,
  // Issue 28: at most 1.5x DuckDB's own load of the same file, peak RSS within 256 MiB.
  limits: { vsDuckDbOwn: 1.5, rssMiB: 256 },
};
console.log(JSON.stringify(figures));
if (figures.vsDuckDbOwn > 1.5)
  console.error(`LIMIT MISSED: 256 MiB file at ${figures.vsDuckDbOwn}× DuckDB's own load, limit 1.5×`);
if (figures.ingestRssMiB > 256)
  console.error(`LIMIT MISSED: 256 MiB file peaked at ${figures.ingestRssMiB} MiB, limit 256`);

// Wide events: 20 attributes of ~90 bytes each, 240 MiB.
const wideName = name.replace('event_category=bench', 'event_category=wide');
const wide = join(bucket, ...wideName.split('/'));
mkdirSync(dirname(wide), { recursive: true });
const wideOut = createWriteStream(wide);
let wideBytes = 0;
let wideEvents = 0;
while (wideBytes < 240 * 1024 * 1024) {
  const attrs = {};
  for (let k = 0; k < 20; k++) attrs[`key${k}`] = `value-${wideEvents}-${k}-`.padEnd(90, 'x');
  const line = `${JSON.stringify({ eventClass: 'wide', eventId: `w${wideEvents}`, sessionId: `s${wideEvents % 50}`, eventIndex: wideEvents, eventTimestamp: '2026-03-01T01:00:00Z', eventAttributes: attrs })}\n`;
  wideBytes += line.length;
  wideEvents++;
  if (!wideOut.write(line)) await new Promise((r) => wideOut.once('drain', r));
}
await new Promise((r) => wideOut.end(r));
const wideRun = await ingestCategory('wide', join(root, 'wide.duckdb'));
const landed = wideRun.code === 0 ? JSON.parse(wideRun.stdout).run?.rows?.events : undefined;
console.log(
  JSON.stringify({
    bench: 'ingest-240MiB-2KB-attributes-duckdb',
    events: wideEvents,
    landed,
    seconds: +wideRun.seconds.toFixed(2),
    rssMiB: +wideRun.rssMiB.toFixed(0),
    limits: { rssMiB: 256 },
  }),
);
rmSync(root, { recursive: true, force: true });
if (wideRun.code !== 0 || landed !== wideEvents) {
  console.error(`the wide file: ${landed} of ${wideEvents} events landed\n${wideRun.stderr}`);
  process.exit(1);
}
