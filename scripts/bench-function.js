#!/usr/bin/env node
// The ingest function end to end, on the documented local setup (docs/emulators.md, "The function
// locally"): emulators started by `scripts/emulators.sh start`, the built function served by
// `scripts/serve-function.js` (as `npm run serve:function` and `npm run serve:promote` do), a push
// subscription on the Pub/Sub emulator pointing at it, Cloud Scheduler's `promote` call every
// BENCH_FUNCTION_SCHEDULE_S seconds (60, as deployed), and the backfill CLI publishing the files.
//
//   1. many small files (BENCH_FUNCTION_FILES, default 2,000, of BENCH_FUNCTION_EVENTS = 20
//      events): files/s to staged and to landed; every event once; one ledger row per file; one
//      promotion start per window (the function logs each); no emulator gone at the end;
//   2. one large file (BENCH_FUNCTION_MIB, default 64 MiB) through a fresh function process: its
//      peak RSS (VmHWM) against the figure docs/function.md gives (RSS_LIMIT_MIB);
//   3. issue 27's hostile shapes (scripts/memory-inputs.js, scaled by BENCH_FUNCTION_MEMORY_MIB,
//      default 8: the emulator promotes slower as its staging table grows, and 16 MiB shapes took
//      72-420 s each) and 4 small gzip files of 20,000 events each, each through a fresh function
//      process, until staged (the scheduled promotions stopped): its peak RSS against 256 MiB,
//      printed as `overLimit` (not failing the run, as bench-memory does for DuckDB); every event
//      counted in the staging table;
//      BENCH_FUNCTION_MEMORY_CASES=tiny-events,cr-only picks shapes (none: an unknown name).
//
// Prints one JSON line; exits 1 when a count is wrong or a limit is not met. Needs `npm run build`
// and `scripts/emulators.sh install`. Run by `npm run bench` (BENCH_ONLY=function for this alone).
import { execFileSync, spawn } from 'node:child_process';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { sampleEvent } from '../dist/demo/sample-bucket.js';
import { SHAPES, manyRowsText, oneFileText } from './memory-inputs.js';
import { emulatorBigQuery, emulatorPubSub, emulatorStorage } from '../dist/gcp/gcp-clients.js';

const FILES = Number(process.env.BENCH_FUNCTION_FILES ?? 2000);
const EVENTS_PER_FILE = Number(process.env.BENCH_FUNCTION_EVENTS ?? 20);
const MIB = Number(process.env.BENCH_FUNCTION_MIB ?? 64);
const MEMORY_MIB = Number(process.env.BENCH_FUNCTION_MEMORY_MIB ?? 8);
/** Issue 27's line for every input shape. */
const MEMORY_LIMIT_MIB = 256;
const SCHEDULE_S = Number(process.env.BENCH_FUNCTION_SCHEDULE_S ?? 60);
/** What docs/function.md says the function peaks below, whatever the file (issue 27's line). */
const RSS_LIMIT_MIB = 256;
const MIN_FILES_PER_S = 10;
/** As docs/function.md deploys it (its `function.env.yaml`); FUNCTION_NODE_OPTIONS tries others. */
const NODE_OPTIONS =
  process.env.FUNCTION_NODE_OPTIONS ??
  /^NODE_OPTIONS: (.+)$/m.exec(readFileSync(new URL('../docs/function.md', import.meta.url), 'utf8'))[1];
const BUCKET = 'bench-events';
const TOPIC = 'bench-ingest';
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'bin', 'analytics-backfill.js');
const work = mkdtempSync(join(tmpdir(), 'bench-function-'));
const state = join(work, 'emulators');
const log = (...a) => console.error('[bench-function]', ...a);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

let seed = 11;
const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
const at = new Date('2026-03-01T03:00:00Z');
const prefix = (category) =>
  `data_type=json/analytics_environment=testing/event_category=${category}/event_ds=2026-03-01/event_time=0-8/`;

const emulators = (...args) =>
  execFileSync('bash', [join(ROOT, 'scripts', 'emulators.sh'), ...args], {
    env: { ...process.env, EMULATORS_DIR: state },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
const envFile = () =>
  Object.fromEntries(
    readFileSync(join(state, 'env'), 'utf8')
      .split('\n')
      .filter((l) => l.includes('='))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
const freePort = () =>
  Number(
    execFileSync(process.execPath, [
      '-e',
      'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})',
    ]).toString(),
  );
/** CPU seconds (user + system) a process has used so far: its share of a file's cost, whatever the emulators' speed. */
const cpuSecondsOf = (pid) => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ: 100 on Linux)
};
const peakRssMiB = (pid) => Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]) / 1024;

/** `scripts/serve-function.js ENTRY` on PORT; its JSON log lines are kept. */
async function serve(entry, port, env) {
  const child = spawn(process.execPath, [join(ROOT, 'scripts', 'serve-function.js'), entry], {
    env: { ...process.env, ...env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const entries = [];
  let text = '';
  let pending = '';
  child.stdout.on('data', (d) => {
    pending += d;
    for (let nl; (nl = pending.indexOf('\n')) >= 0; pending = pending.slice(nl + 1)) {
      const line = pending.slice(0, nl);
      text = (text + line + '\n').slice(-20_000);
      if (line.startsWith('{')) entries.push({ ...JSON.parse(line), at: performance.now() });
    }
  });
  child.stderr.on('data', (d) => (text = (text + d).slice(-20_000)));
  for (const deadline = Date.now() + 30_000; ; await sleep(100)) {
    if (child.exitCode !== null) throw new Error(`${entry} exited at start:\n${text}`);
    if (/serve-function: /.test(text)) break;
    if (Date.now() > deadline) throw new Error(`${entry} did not start:\n${text}`);
  }
  const stop = () =>
    new Promise((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', resolve);
      child.kill('SIGTERM');
    });
  return { child, entries, output: () => text, stop, url: `http://127.0.0.1:${port}` };
}

function cli(args, env) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...env }, stdio: 'pipe' });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.stdout.resume();
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`backfill exited ${code}: ${stderr}`))));
  });
}

log('scripts/emulators.sh start');
emulators('start');
const env = { ...envFile(), METADATA_SERVER_DETECTION: 'none', GOOGLE_CLOUD_PROJECT: 'local-project' };
const servers = [];
let scheduler;
try {
  const storage = emulatorStorage(env.STORAGE_EMULATOR_ENDPOINT);
  const bigquery = emulatorBigQuery(env.BIGQUERY_EMULATOR_ENDPOINT, env.BIGQUERY_EMULATOR_PROJECT);
  const pubsub = emulatorPubSub(env.PUBSUB_EMULATOR_HOST, env.PUBSUB_PROJECT_ID);
  await storage.createBucket(BUCKET);
  // The deployable folder (npm run build:function); node_modules stands in for Cloud Build's install.
  const source = join(work, 'function');
  execFileSync(process.execPath, [join(ROOT, 'scripts', 'build-function.js'), '--out', source, '--no-tsc']);
  symlinkSync(join(ROOT, 'node_modules'), join(source, 'node_modules'), 'dir');
  const fnEnv = {
    ...env,
    FUNCTION_SOURCE: source,
    ALLOWED_BUCKETS: BUCKET,
    JOB_NAME: 'bench',
    LOG_LEVEL: 'INFO',
    NODE_OPTIONS: NODE_OPTIONS,
  };
  const ingestPort = freePort();
  const promote = await serve('promote', freePort(), fnEnv);
  servers.push(promote);
  // Cloud Scheduler: a POST every SCHEDULE_S seconds (the first one creates the tables).
  const promotions = [];
  const callPromote = async () => {
    const started = performance.now();
    const res = await fetch(promote.url, { method: 'POST' }).catch((e) => ({ status: String(e) }));
    promotions.push({ status: res.status, seconds: (performance.now() - started) / 1000 });
  };
  await callPromote();
  scheduler = setInterval(callPromote, SCHEDULE_S * 1000);

  const [topic] = await pubsub.createTopic(TOPIC);
  await topic.createSubscription('bench-push', {
    pushConfig: { pushEndpoint: `http://127.0.0.1:${ingestPort}/projects/${env.PUBSUB_PROJECT_ID}/topics/${TOPIC}` },
    ackDeadlineSeconds: 600,
  });
  const query = async (sql) => (await bigquery.query({ query: sql, useLegacySql: false }))[0];
  const landed = async (category) =>
    Number(
      (
        await query(
          `SELECT count(*) AS n FROM logs.events_logs_function WHERE event_category = '${category}' AND STARTS_WITH(event, 'ingested')`,
        )
      )[0].n,
    );
  const backfill = (category) =>
    cli(
      [
        ...['--gcs-bucket', `gs://${BUCKET}`, '--topic', TOPIC, '--gcp', env.PUBSUB_PROJECT_ID],
        ...['--warehouse', `bigquery:${env.BIGQUERY_EMULATOR_PROJECT}`, '-e', 'testing', '-c', category],
        ...['-s', '2026-03-01', '-u', '2026-03-01', '--record-dir', join(work, 'runs'), '--yes', '--json'],
      ],
      env,
    );
  const waitLanded = async (category, n, timeoutMs) => {
    for (const deadline = Date.now() + timeoutMs; (await landed(category)) < n; await sleep(500))
      if (Date.now() > deadline) throw new Error(`${category}: not all ${n} files landed in ${timeoutMs} ms`);
  };

  // 1. Many small files.
  log(`uploading ${FILES} files of ${EVENTS_PER_FILE} events`);
  let index = 0;
  const uploads = [];
  for (let f = 0; f < FILES; f++) {
    const lines = Array.from({ length: EVENTS_PER_FILE }, () =>
      JSON.stringify(sampleEvent(random, 'testing', 'small', `s${f}`, at, index++)),
    );
    const name = `${prefix('small')}s${f}/20260301T030000Z-${String(f).padStart(6, '0')}`;
    uploads.push(
      storage
        .bucket(BUCKET)
        .file(name)
        .save(`${lines.join('\n')}\n`, { resumable: false }),
    );
    if (uploads.length >= 32) await Promise.all(uploads.splice(0));
  }
  await Promise.all(uploads);
  let ingest = await serve('ingest', ingestPort, fnEnv);
  servers.push(ingest);
  const smallIdleCpu = cpuSecondsOf(ingest.child.pid);
  log('publishing them with the backfill (--topic)');
  const smallStart = performance.now();
  await backfill('small');
  const staged = (e) => e.message === 'file staged; it lands with the next promotion';
  for (const deadline = Date.now() + 30 * 60_000; ingest.entries.filter(staged).length < FILES; await sleep(200))
    if (Date.now() > deadline) throw new Error(`not all files staged:\n${ingest.output().slice(-3000)}`);
  const stagedSeconds = (Math.max(...ingest.entries.filter(staged).map((e) => e.at)) - smallStart) / 1000;
  // Measured once every file is staged: what the process spends on the files, not on waiting for the promotion.
  const smallCpu = cpuSecondsOf(ingest.child.pid) - smallIdleCpu;
  await waitLanded('small', FILES, 10 * 60_000);
  const landedSeconds = (performance.now() - smallStart) / 1000;
  const smallRss = peakRssMiB(ingest.child.pid);
  // Half the sample events are in the replaced pipeline's snake_case shape: count every row, not a column's value.
  const [counts] = await query(`SELECT count(*) AS n, count(DISTINCT event_id) AS d FROM events.events_function`);
  const [debugRows] = await query(`SELECT count(*) AS n FROM logs.events_debug_function`);
  const [ledger] = await query(
    `SELECT count(*) AS n, count(DISTINCT file_path) AS d FROM logs.events_logs_function WHERE event_category = 'small' AND STARTS_WITH(event, 'ingested')`,
  );
  const windows = new Map();
  for (const e of ingest.entries.filter((x) => x.message === 'promotion window started'))
    windows.set(e.window, (windows.get(e.window) ?? 0) + 1);
  const startsPerWindow = Math.max(0, ...windows.values());
  const refusedPromotions = promotions.filter((p) => p.status !== 200).length;
  await ingest.stop();

  // 2. One large file, through a fresh function process.
  const bigName = `${prefix('large')}session-big/20260301T030000Z-000001`;
  const lines = [];
  let bytes = 0;
  while (bytes < MIB * 1024 * 1024) {
    const line = JSON.stringify(sampleEvent(random, 'testing', 'large', 'session-big', at, lines.length));
    bytes += line.length + 1;
    lines.push(line);
  }
  log(`uploading a ${MIB} MiB file (${lines.length} events)`);
  await storage
    .bucket(BUCKET)
    .file(bigName)
    .save(`${lines.join('\n')}\n`, { resumable: false });
  const bigEvents = lines.length;
  lines.length = 0;
  ingest = await serve('ingest', ingestPort, fnEnv);
  servers.push(ingest);
  const idleRss = peakRssMiB(ingest.child.pid);
  const bigIdleCpu = cpuSecondsOf(ingest.child.pid);
  const bigStart = performance.now();
  await backfill('large');
  await waitLanded('large', 1, 60 * 60_000);
  const bigSeconds = (performance.now() - bigStart) / 1000;
  const bigRss = peakRssMiB(ingest.child.pid);
  const bigCpu = cpuSecondsOf(ingest.child.pid) - bigIdleCpu;
  const [all] = await query(`SELECT count(*) AS n FROM events.events_function`);
  const big = { n: Number(all.n) - Number(counts.n) };
  await ingest.stop();

  // 3. Issue 27's shapes, each through a fresh function process, measured until staged: landing is
  // the promoter's work, and the emulator's promotions slow as its staging table grows.
  clearInterval(scheduler);
  const memory = [];
  const done = (e) => e.message === 'file staged; it lands with the next promotion' || e.message === 'file ingested';
  const stagedEvents = async (category) =>
    Number(
      (
        await query(
          `SELECT count(DISTINCT CONCAT(file_path, '#', CAST(row_number AS STRING))) AS n FROM logs.events_staging_function WHERE kind = 'event' AND STRPOS(file_path, '/event_category=${category}/') > 0`,
        )
      )[0].n,
    );
  const shapes = [
    ...SHAPES.map(([kind, size]) => [kind, 1, (n) => Readable.from(oneFileText(kind, size(MEMORY_MIB), n))]),
    ['gzip-many-rows', 4, (n) => ((n.events = 20_000), Readable.from([gzipSync(manyRowsText(), { level: 9 })]))],
  ];
  const only = process.env.BENCH_FUNCTION_MEMORY_CASES?.split(',');
  for (const [kind, files, body] of shapes.filter(([kind]) => !only || only.includes(kind))) {
    const category = `mem-${kind}`;
    let events = 0;
    for (let f = 0; f < files; f++) {
      const counted = { events: 0 };
      await pipeline(
        body(counted),
        storage
          .bucket(BUCKET)
          .file(`${prefix(category)}s/f${f}.json${kind.startsWith('gzip') ? '.gz' : ''}`)
          .createWriteStream({ resumable: false }),
      );
      events += counted.events;
    }
    ingest = await serve('ingest', ingestPort, fnEnv);
    servers.push(ingest);
    const started = performance.now();
    await backfill(category);
    for (const deadline = Date.now() + 30 * 60_000; ingest.entries.filter(done).length < files; await sleep(200))
      if (Date.now() > deadline) throw new Error(`${category}: not all staged:\n${ingest.output().slice(-3000)}`);
    const seconds = (performance.now() - started) / 1000;
    const rss = peakRssMiB(ingest.child.pid);
    await ingest.stop();
    const line = {
      bench: `memory-${kind}-function`,
      files,
      events,
      eventsStaged: await stagedEvents(category),
      seconds: +seconds.toFixed(1),
      rssMiB: Math.round(rss),
      limitMiB: MEMORY_LIMIT_MIB,
      overLimit: rss > MEMORY_LIMIT_MIB,
    };
    log(JSON.stringify(line));
    memory.push(line);
  }
  const alive = emulators('status');
  await pubsub.close();

  const smallRate = FILES / landedSeconds;
  const figures = {
    bench: 'ingest-function-documented-local-setup',
    smallFiles: {
      files: FILES,
      events: FILES * EVENTS_PER_FILE,
      eventsLanded: Number(counts.n),
      distinctEvents: Number(counts.d),
      debugRows: Number(debugRows.n),
      ledgerRows: Number(ledger.n),
      stagedSeconds: +stagedSeconds.toFixed(1),
      filesPerSecondToStaged: +(FILES / stagedSeconds).toFixed(1),
      landedSeconds: +landedSeconds.toFixed(1),
      filesPerSecondToLanded: +smallRate.toFixed(1),
      windows: windows.size,
      promotionStartsPerWindow: startsPerWindow,
      scheduledPromotions: promotions.length,
      failedScheduledPromotions: refusedPromotions,
      peakRssMiB: Math.round(smallRss),
      functionCpuSeconds: +smallCpu.toFixed(2),
      functionCpuMsPerFile: +((smallCpu * 1000) / FILES).toFixed(2),
      eventsPerFunctionCpuSecond: Math.round(Number(counts.n) / smallCpu),
    },
    largeFile: {
      fileMiB: MIB,
      events: bigEvents,
      eventsLanded: Number(big.n),
      seconds: +bigSeconds.toFixed(1),
      mibPerSecond: +(MIB / bigSeconds).toFixed(2),
      idleRssMiB: Math.round(idleRss),
      peakRssMiB: Math.round(bigRss),
      functionCpuSeconds: +bigCpu.toFixed(2),
      eventsPerFunctionCpuSecond: Math.round(bigEvents / bigCpu),
      nodeOptions: NODE_OPTIONS,
    },
    memory,
    emulatorsAtEnd: alive
      .trim()
      .split('\n')
      .map((l) => l.split(' (')[0]),
    limits: { filesPerSecond: MIN_FILES_PER_S, peakRssMiB: RSS_LIMIT_MIB, promotionStartsPerWindow: 1 },
    note: 'BigQuery is the local emulator (SQLite): the rates are the emulator-bound floor, not BigQuery',
  };
  figures.ok =
    figures.smallFiles.eventsLanded + figures.smallFiles.debugRows === FILES * EVENTS_PER_FILE &&
    figures.smallFiles.distinctEvents === figures.smallFiles.eventsLanded &&
    figures.smallFiles.ledgerRows === FILES &&
    smallRate >= MIN_FILES_PER_S &&
    startsPerWindow === 1 &&
    refusedPromotions === 0 &&
    figures.largeFile.eventsLanded === bigEvents &&
    bigRss < RSS_LIMIT_MIB &&
    memory.every((m) => m.eventsStaged === m.events) &&
    figures.emulatorsAtEnd.every((l) => l.endsWith('running'));
  console.log(JSON.stringify(figures));
  if (!figures.ok) process.exitCode = 1;
} finally {
  clearInterval(scheduler);
  for (const s of servers) await s.stop();
  emulators('stop');
  rmSync(work, { recursive: true, force: true });
}
