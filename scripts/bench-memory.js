// Issue 27, item 1 and 2: peak RSS of one direct run into a new DuckDB file for each hostile input
// shape, against the 256 MiB line: tiny events, CR-only records, `{…}{…}` with no newline, one array
// line, events of 3.9 MB, 50 KB attributes, and many small gzip files each holding 20,000 events.
// Every count is checked (events landed = events written). Exit 1 when a count is wrong; a peak over
// the line is printed as such (`overLimit`), not hidden. BENCH_MEMORY_MIB scales the large files;
// BENCH_MEMORY_CASES picks cases.
import { mkdirSync, mkdtempSync, openSync, closeSync, rmSync, writeSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { measure } from './bench-lib.js';

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
  const event = (i, attributes) =>
    JSON.stringify({ eventClass: 'c', eventId: `${i}`, sessionId: 's', eventIndex: i, eventAttributes: attributes });
  let bytes = 0;
  let i = 0;
  let pending = [];
  const flush = () => {
    writeSync(fd, pending.join(''));
    pending = [];
  };
  if (kind === 'array-line') writeSync(fd, '[');
  while (bytes < mib * 2 ** 20) {
    const text =
      kind === 'big-events'
        ? `${event(i, { blob: 'x'.repeat(3_900_000) })}\n`
        : kind === 'wide-50KB'
          ? `${event(i, { blob: 'y'.repeat(50_000) })}\n`
          : kind === 'cr-only'
            ? `${event(i, { a: i })}\r`
            : kind === 'concatenated'
              ? event(i, { a: i })
              : kind === 'array-line'
                ? `${i ? ',' : ''}${event(i, { a: i })}`
                : `${event(i, { a: i })}\n`;
    pending.push(text);
    bytes += text.length;
    i++;
    if (pending.length >= 1000 || text.length > 2 ** 20) flush();
  }
  flush();
  if (kind === 'array-line') writeSync(fd, ']\n');
  closeSync(fd);
  return [bucket, i];
}

/** 200 gzip files of a few KB, each holding 20,000 one-line events. */
function gzipFiles() {
  const bucket = join(root, 'gzip-many-rows');
  const dir = join(bucket, ...PART.split('/'));
  mkdirSync(dir, { recursive: true });
  const body = Buffer.from('{"eventClass":"c","eventId":"1","sessionId":"s","eventIndex":1}\n'.repeat(20_000));
  const gz = gzipSync(body, { level: 9 });
  for (let f = 0; f < 200; f++) writeFileSync(join(dir, `f${f}.json.gz`), gz);
  return [bucket, 200 * 20_000];
}

const cases = [
  ['tiny-events', () => oneFile('tiny-events', MIB)],
  ['cr-only', () => oneFile('cr-only', MIB)],
  ['concatenated', () => oneFile('concatenated', MIB / 2)],
  ['array-line', () => oneFile('array-line', MIB / 2)],
  ['big-events', () => oneFile('big-events', 178)],
  ['wide-50KB', () => oneFile('wide-50KB', 150)],
  ['gzip-many-rows', gzipFiles],
];
// BENCH_MEMORY_CASES=big-events,wide-50KB runs those only.
const only = process.env.BENCH_MEMORY_CASES?.split(',');
let wrong = false;
for (const [name, make] of cases.filter(([name]) => !only || only.includes(name))) {
  const [bucket, events] = make();
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
  console.log(
    JSON.stringify({
      bench: `memory-${name}-duckdb`,
      events,
      seconds: +run.seconds.toFixed(2),
      rssMiB: Math.round(run.rssMiB),
      limitMiB: LIMIT_MIB,
      overLimit: run.rssMiB > LIMIT_MIB,
    }),
  );
}
rmSync(root, { recursive: true, force: true }); // a gigabyte or more of inputs and DuckDB files
process.exitCode = wrong ? 1 : 0;
