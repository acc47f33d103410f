// Issue 27, item 1 and 2: peak RSS of one direct run into a new DuckDB file for each hostile input
// shape, against the 256 MiB line: tiny events, CR-only records, `{…}{…}` with no newline, one array
// line, events of 3.9 MB, 50 KB attributes, and many small gzip files each holding 20,000 events.
// Every count is checked (events landed = events written). Exit 1 when a count is wrong; a peak over
// the line is printed as such (`overLimit`), not hidden. Beside each, for scale: DuckDB's own load of
// the same files (`read_json`, format `auto`, one thread, its default memory limit; no contract, no
// ledger), its peak RSS and seconds, or the first line of its error. BENCH_MEMORY_MIB scales the files (200);
// BENCH_MEMORY_CASES picks cases.
import { mkdirSync, mkdtempSync, openSync, closeSync, rmSync, writeSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { duckdbOwnLoadOn, measure } from './bench-lib.js';
import { SHAPES, manyRowsText, oneFileText } from './memory-inputs.js';

const MIB = Number(process.env.BENCH_MEMORY_MIB ?? 200);
const LIMIT_MIB = 256;
const root = mkdtempSync(join(tmpdir(), 'bench-memory-'));
const bin = fileURLToPath(new URL('../bin/analytics-backfill.js', import.meta.url));
const PART = 'data_type=json/analytics_environment=live/event_category=c/event_ds=2026-03-01/event_time=0-8';

/** Writes one file of `kind` of about `mib` MiB into a bucket of its own; returns [bucket, events]. */
function oneFile(kind, mib) {
  const bucket = join(root, kind);
  const dir = join(bucket, ...PART.split('/'));
  mkdirSync(dir, { recursive: true });
  const fd = openSync(join(dir, 'f.json'), 'w');
  const counted = { events: 0 };
  for (const piece of oneFileText(kind, mib, counted)) writeSync(fd, piece);
  closeSync(fd);
  return [bucket, counted.events, `${bucket}/**/*.json`];
}

/** 200 gzip files of a few KB, each holding 20,000 one-line events. */
function gzipFiles() {
  const bucket = join(root, 'gzip-many-rows');
  const dir = join(bucket, ...PART.split('/'));
  mkdirSync(dir, { recursive: true });
  const body = Buffer.from(manyRowsText());
  const gz = gzipSync(body, { level: 9 });
  for (let f = 0; f < 200; f++) writeFileSync(join(dir, `f${f}.json.gz`), gz);
  return [bucket, 200 * 20_000, `${bucket}/**/*.json.gz`];
}

const cases = [...SHAPES.map(([kind, size]) => [kind, () => oneFile(kind, size(MIB))]), ['gzip-many-rows', gzipFiles]];
// BENCH_MEMORY_CASES=big-events,wide-50KB runs those only.
const only = process.env.BENCH_MEMORY_CASES?.split(',');
let wrong = false;
for (const [name, make] of cases.filter(([name]) => !only || only.includes(name))) {
  const [bucket, events, glob] = make();
  const run = await measure(
    [
      bin,
      ...['-b', bucket, '-w', `duckdb:${join(root, `${name}.duckdb`)}`, '-e', 'all', '-c', 'all'],
      ...['-s', '2026-03-01', '-u', '2026-03-01', '--record-dir', join(root, 'runs'), '--yes', '--json'],
    ],
    { exec: true },
  );
  const landed = run.code === 0 ? JSON.parse(run.stdout).run?.rows?.events : undefined;
  if (landed !== events) {
    wrong = true;
    console.error(`CHECK FAILED: ${name}: ${landed} events landed of ${events} (exit ${run.code})\n${run.stderr}`);
  }
  const own = await duckdbOwnLoadOn(glob, join(root, `${name}-own.duckdb`), { format: 'auto' });
  rmSync(join(root, `${name}-own.duckdb`), { force: true });
  console.log(
    JSON.stringify({
      bench: `memory-${name}-duckdb`,
      events,
      seconds: +run.seconds.toFixed(2),
      rssMiB: Math.round(run.rssMiB),
      limitMiB: LIMIT_MIB,
      overLimit: run.rssMiB > LIMIT_MIB,
      ...(own.code === 0
        ? {
            duckdbOwnRows: Number(own.stdout.trim()),
            duckdbOwnSeconds: +own.seconds.toFixed(2),
            duckdbOwnRssMiB: Math.round(own.rssMiB),
          }
        : { duckdbOwnError: own.stderr.split('\n').find((line) => /Error/.test(line)) ?? `exit ${own.code}` }),
    }),
  );
}
rmSync(root, { recursive: true, force: true }); // a gigabyte or more of inputs and DuckDB files
process.exitCode = wrong ? 1 : 0;
