#!/usr/bin/env node
// The ingest function's benchmark, end to end on the local emulators: the deployable build served
// by the functions framework, a push subscription on the Pub/Sub emulator pointing at it, event
// files in fake-gcs-server, the backfill CLI publishing them, rows landing in the BigQuery
// emulator. Two runs, each on a freshly started function process:
//
//   1. many small files (BENCH_FUNCTION_FILES, default 200, of BENCH_FUNCTION_EVENTS events each):
//      files/s and events/s from the backfill's start to the last ledger row;
//   2. one large file (BENCH_FUNCTION_MIB, default 256 MiB): events/s, MiB/s and the function
//      process's peak RSS (VmHWM), which must stay under 256 MiB.
//
// Prints one JSON line. Needs Node 24 (type stripping, for the shared TypeScript test helpers),
// `npm run build` and `scripts/emulators.sh install`. Run by `npm run bench`.
import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sampleEvent } from '../dist/demo/sample-bucket.js';
import { emulatorBigQuery, emulatorStorage, emulatorPubSub } from '../dist/gcp/gcp-clients.js';
import { createBigQueryWarehouse } from '../dist/gcp/bigquery-warehouse.js';
import { DEFAULT_TABLE_NAMES } from '../dist/core/table-schemas.js';
import { freePort, startBigQuery, startGcs, startPubSub } from '../test/helpers/emulators.ts';
import { buildFunction, serveFunction } from '../test/function/function-server.ts';

const FILES = Number(process.env.BENCH_FUNCTION_FILES ?? 200);
const EVENTS_PER_FILE = Number(process.env.BENCH_FUNCTION_EVENTS ?? 500);
const MIB = Number(process.env.BENCH_FUNCTION_MIB ?? 256);
const RSS_LIMIT_MIB = 256;
const NODE_OPTIONS = '--max-semi-space-size=4';
const BUCKET = 'bench-events';
const TOPIC = 'bench-ingest';
const BIN = fileURLToPath(new URL('../bin/analytics-backfill.js', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'bench-function-'));
const log = (...a) => console.error('[bench-function]', ...a);

const prefix = (category) =>
  `data_type=json/analytics_environment=testing/event_category=${category}/event_ds=2026-03-01/event_time=0-8/`;
let seed = 11;
const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
const at = new Date('2026-03-01T03:00:00Z');

function cli(args, env) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve(stdout) : reject(new Error(`backfill exited ${code}: ${stderr}`)),
    );
  });
}

/** Peak resident set of a process, MiB (Linux). */
function peakRssMiB(pid) {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

const emulators = await Promise.all([startGcs(), startBigQuery(), startPubSub()]);
const [gcsEmu, bqEmu, psEmu] = emulators;
let fn;
try {
  const storage = emulatorStorage(gcsEmu.endpoint);
  const bigquery = emulatorBigQuery(bqEmu.endpoint, bqEmu.project);
  const pubsub = emulatorPubSub(psEmu.endpoint, psEmu.project);
  await storage.createBucket(BUCKET);
  const env = {
    STORAGE_EMULATOR_ENDPOINT: gcsEmu.endpoint,
    BIGQUERY_EMULATOR_ENDPOINT: bqEmu.endpoint,
    BIGQUERY_EMULATOR_GRPC: bqEmu.grpc,
    BIGQUERY_EMULATOR_PROJECT: bqEmu.project,
    PUBSUB_EMULATOR_HOST: psEmu.endpoint,
    PUBSUB_PROJECT_ID: psEmu.project,
    METADATA_SERVER_DETECTION: 'none',
  };
  // The backfill's preview asks the ledger, so the tables exist before it runs.
  // The scheduler's promotion (every minute in production) is run here between checks, so the
  // figures include landing, not only staging.
  const scheduler = createBigQueryWarehouse({
    bigquery,
    tables: { ...DEFAULT_TABLE_NAMES },
    staging: {
      appender: () => ({ append: async () => undefined, close: async () => undefined }),
      promote: 'when-closed',
    },
  });
  await scheduler.ensureTables();
  const source = buildFunction();
  const port = await freePort();
  // NODE_OPTIONS as docs/function.md deploys it: a small young generation keeps RSS down.
  const nodeOptions = process.env.FUNCTION_NODE_OPTIONS ?? NODE_OPTIONS;
  const serve = () =>
    serveFunction({
      source,
      port,
      env: { ...env, ALLOWED_BUCKETS: BUCKET, JOB_NAME: 'bench', LOG_LEVEL: 'WARNING', NODE_OPTIONS: nodeOptions },
    });
  const [topic] = await pubsub.createTopic(TOPIC);
  await topic.createSubscription('bench-push', {
    pushConfig: { pushEndpoint: `http://127.0.0.1:${port}/projects/${psEmu.project}/topics/${TOPIC}` },
    ackDeadlineSeconds: 600,
  });

  const landed = async (category) => {
    const [rows] = await bigquery.query({
      query: `SELECT count(*) AS n FROM logs.events_logs_function WHERE event_category = @c AND STARTS_WITH(event, 'ingested')`,
      params: { c: category },
    });
    return Number(rows[0]?.n ?? 0);
  };
  const waitLanded = async (category, n, timeoutMs) => {
    const deadline = Date.now() + timeoutMs;
    while ((await landed(category)) < n) {
      await scheduler.promoteNow();
      if (Date.now() > deadline)
        throw new Error(`${category}: not all ${n} files landed in ${timeoutMs} ms:\n${fn.output().slice(-3000)}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  };
  const backfill = (category) =>
    cli(
      [
        '--gcs-bucket',
        `gs://${BUCKET}`,
        '--topic',
        TOPIC,
        '--gcp',
        psEmu.project,
        '--warehouse',
        `bigquery:${bqEmu.project}`,
        '--analytics-environment',
        'testing',
        '--event-category',
        category,
        '--event-ds-start',
        '2026-03-01',
        '--event-ds-stop',
        '2026-03-01',
        '--record-dir',
        join(work, 'runs'),
        '--yes',
        '--json',
      ],
      env,
    );

  // 1. Many small files.
  log(`uploading ${FILES} files of ${EVENTS_PER_FILE} events`);
  let index = 0;
  const uploads = [];
  for (let f = 0; f < FILES; f++) {
    const lines = [];
    for (let i = 0; i < EVENTS_PER_FILE; i++)
      lines.push(JSON.stringify(sampleEvent(random, 'testing', 'small', `s${f}`, at, index++)));
    uploads.push(
      storage
        .bucket(BUCKET)
        .file(`${prefix('small')}s${f}/20260301T030000Z-${String(f).padStart(6, '0')}`)
        .save(`${lines.join('\n')}\n`, { resumable: false }),
    );
    if (uploads.length >= 32) await Promise.all(uploads.splice(0));
  }
  await Promise.all(uploads);
  fn = await serve();
  log('publishing the small files with the backfill');
  const smallStart = performance.now();
  await backfill('small');
  await waitLanded('small', FILES, 30 * 60_000);
  const smallSeconds = (performance.now() - smallStart) / 1000;
  const smallRss = peakRssMiB(fn.pid());
  await fn.stop();

  // 2. One large file, through a fresh function process.
  const bigName = `${prefix('large')}session-big/20260301T030000Z-000001`;
  const file = join(work, 'big.ndjson');
  mkdirSync(dirname(file), { recursive: true });
  const out = createWriteStream(file);
  let bytes = 0;
  let bigEvents = 0;
  while (bytes < MIB * 1024 * 1024) {
    const line = `${JSON.stringify(sampleEvent(random, 'testing', 'large', 'session-big', at, bigEvents))}\n`;
    bytes += Buffer.byteLength(line);
    bigEvents++;
    if (!out.write(line)) await new Promise((r) => out.once('drain', r));
  }
  await new Promise((r) => out.end(r));
  log(`uploading a ${(statSync(file).size / 1048576).toFixed(0)} MiB file (${bigEvents} events)`);
  await storage.bucket(BUCKET).upload(file, { destination: bigName, resumable: false });
  rmSync(file);
  fn = await serve();
  const idleRss = peakRssMiB(fn.pid());
  log('publishing the large file with the backfill');
  const bigStart = performance.now();
  await backfill('large');
  await waitLanded('large', 1, 60 * 60_000);
  const bigSeconds = (performance.now() - bigStart) / 1000;
  const bigRss = peakRssMiB(fn.pid());
  const [[count]] = await bigquery.query({
    query: `SELECT count(*) AS n FROM events.events_function WHERE session_id = 'session-big'`,
  });
  await fn.stop();
  await pubsub.close();

  const figures = {
    bench: 'ingest-function-end-to-end',
    smallFiles: {
      files: FILES,
      events: FILES * EVENTS_PER_FILE,
      seconds: +smallSeconds.toFixed(2),
      filesPerSecond: +(FILES / smallSeconds).toFixed(1),
      eventsPerSecond: Math.round((FILES * EVENTS_PER_FILE) / smallSeconds),
      peakRssMiB: Math.round(smallRss),
    },
    largeFile: {
      fileMiB: MIB,
      events: bigEvents,
      eventsLanded: Number(count.n),
      seconds: +bigSeconds.toFixed(2),
      eventsPerSecond: Math.round(bigEvents / bigSeconds),
      mibPerSecond: +(MIB / bigSeconds).toFixed(2),
      idleRssMiB: Math.round(idleRss),
      peakRssMiB: Math.round(bigRss),
    },
    nodeOptions: process.env.FUNCTION_NODE_OPTIONS ?? NODE_OPTIONS,
    limits: { peakRssMiB: RSS_LIMIT_MIB },
    ok: bigRss < RSS_LIMIT_MIB && Number(count.n) === bigEvents,
    note: 'BigQuery here is the local emulator (SQLite underneath): throughput is the emulator-bound floor, not what BigQuery does',
  };
  console.log(JSON.stringify(figures));
  if (!figures.ok) process.exitCode = 1;
} finally {
  await fn?.stop().catch(() => undefined);
  await Promise.all(emulators.map((e) => e.stop()));
  rmSync(work, { recursive: true, force: true });
}
