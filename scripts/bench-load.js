// Load benchmark (issue #6), on local emulators only (127.0.0.1): backfills of 1k, 10k and 100k
// files, each through the built CLI exactly as an operator runs it (GCS → ledger in BigQuery →
// one Pub/Sub notification per file). Needs `npm run build` and `scripts/emulators.sh install`.
// For each size and source, one JSON line: the source's listing rate (in process), the CLI's dry run
// (listing, ledger, plan) and its real run, with seconds, files per second, the CLI's CPU seconds
// and peak RSS. Sources: fake-gcs-server (gs://, one bucket per size, filesystem backend: its
// in-memory store inserts in linear time, so 100k objects would take it most of an hour to load),
// and the same files as a folder, which the CLI ingests directly into DuckDB (up to
// BENCH_LOAD_DIRECT_MAX files, default all of them). Every run is checked, and the bench fails on
// a wrong count: the CLI reports exactly N sent; a subscription on the topic receives exactly N
// notifications, one per file, no duplicates; DuckDB holds exactly N events, N distinct, and N
// ledger rows. Sizes: BENCH_LOAD_SIZES (default 1000,10000,100000).
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { measure } from './bench-lib.js';

process.env.METADATA_SERVER_DETECTION ??= 'none'; // never probe the cloud metadata server

const { emulatorPubSub, emulatorStorage, emulatorBigQuery } = await import('../dist/gcp/gcp-clients.js');
const { createGcsSource } = await import('../dist/gcp/gcs-source.js');
const { createBigQueryWarehouse } = await import('../dist/gcp/bigquery/bigquery-warehouse.js');
const { DEFAULT_TABLE_NAMES } = await import('../dist/core/schema/table-schemas.js');

const SIZES = (process.env.BENCH_LOAD_SIZES ?? '1000,10000,100000').split(',').map(Number);
// Direct ingestion into DuckDB commits many files per transaction (100k files take ~20 s); past
// this size the folder's CLI run is a dry run only.
const DIRECT_MAX = Number(process.env.BENCH_LOAD_DIRECT_MAX ?? 100000);
const bucketOf = (n) => `bench-load-n${n}`;
const INPROCESS_TOPIC = 'bench-load-in-process'; // no subscription: the emulator drops what it gets
const script = fileURLToPath(new URL('./emulators.sh', import.meta.url));
const BIN = fileURLToPath(new URL('../bin/analytics-backfill.js', import.meta.url));
const state = mkdtempSync(join(tmpdir(), 'bench-load-'));
const envOf = { ...process.env, EMULATORS_DIR: state };
const round = (x) => Math.round(x * 10) / 10;
const DATES = Array.from({ length: 28 }, (_, i) => `2024-03-${String(i + 1).padStart(2, '0')}`);
const TIMES = ['0-8', '8-16', '16-24'];

/** N one-event files in their own bucket folder, spread over 28 days × 3 time buckets × 50 sessions. */
function writeFiles(root, n) {
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const dir = join(
      root,
      bucketOf(n),
      'data_type=json',
      'analytics_environment=live',
      'event_category=load',
      `event_ds=${DATES[i % 28]}`,
      `event_time=${TIMES[i % 3]}`,
      `s${i % 50}`,
    );
    if (i < 28 * 3 * 50) mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, `20240301T000000Z-${String(i).padStart(6, '0')}`),
      `{"eventClass":"load","eventId":"${n}-${i}"}\n`,
    );
  }
  return (performance.now() - t0) / 1000;
}

function gcsBin() {
  const dirs = [process.env.GOBIN, join(homedir(), 'go', 'bin'), ...(process.env.PATH ?? '').split(':')].filter(
    Boolean,
  );
  try {
    dirs.unshift(join(execFileSync('go', ['env', 'GOPATH'], { encoding: 'utf8' }).trim(), 'bin'));
  } catch {
    // no go
  }
  const found = dirs.map((d) => join(d, 'fake-gcs-server')).find((p) => existsSync(p));
  if (!found) throw new Error('fake-gcs-server not installed: run scripts/emulators.sh install');
  return found;
}

function readEnv() {
  const out = {};
  for (const line of readFileSync(join(state, 'env'), 'utf8').split('\n')) {
    const i = line.indexOf('=');
    if (i > 0) out[line.slice(0, i)] = line.slice(i + 1);
  }
  return out;
}

/** A port nothing listens on now, as the OS hands them out. */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Events, distinct events and ledger rows in a DuckDB file the CLI wrote. */
async function landedInDuckDb(file) {
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const instance = await DuckDBInstance.create(file, { access_mode: 'READ_ONLY' });
  const connection = await instance.connect();
  const one = async (sql) => (await connection.runAndReadAll(sql)).getRowsJS()[0].map(Number);
  const [events, distinct] = await one('SELECT count(*), count(DISTINCT event_id) FROM events.events_function');
  const [ledger] = await one("SELECT count(*) FROM logs.events_logs_function WHERE starts_with(event, 'ingested')");
  connection.closeSync();
  instance.closeSync();
  return { events, distinct, ledger };
}

/** fake-gcs-server on the filesystem backend, loading every bucket folder of `dataDir` at start. */
async function startGcs(dataDir) {
  const port = await freePort();
  const args = [
    '-scheme',
    'http',
    '-host',
    '127.0.0.1',
    '-port',
    String(port),
    '-backend',
    'filesystem',
    '-filesystem-root',
    join(state, 'gcs-root'),
    '-data',
    dataDir,
    '-log-level',
    'error',
  ];
  const child = spawn(gcsBin(), args, { stdio: 'ignore', detached: true });
  const endpoint = `http://127.0.0.1:${port}`;
  const t0 = performance.now();
  for (;;) {
    try {
      if ((await fetch(`${endpoint}/storage/v1/b`)).ok) break;
    } catch {
      // loading
    }
    if (child.exitCode !== null) throw new Error('fake-gcs-server exited');
    await new Promise((r) => setTimeout(r, 200));
  }
  return { endpoint, child, loadSeconds: (performance.now() - t0) / 1000 };
}

/**
 * Receives what the CLI published until `expected` distinct messages arrived and nothing more came
 * for `quietMs`: returns how many distinct messages, how many distinct object names among them,
 * and how many names were not among `names`.
 */
async function drain(subscription, expected, names, quietMs = 3000) {
  const messageIds = new Set();
  const objects = new Set();
  let strangers = 0;
  let last = performance.now();
  subscription.on('message', (m) => {
    m.ack();
    last = performance.now();
    if (messageIds.has(m.id)) return; // a redelivery of the same message, not a duplicate publish
    messageIds.add(m.id);
    const name = m.attributes.objectId;
    if (!names.has(name)) strangers++;
    objects.add(name);
  });
  subscription.on('error', (e) => console.error(`bench-load: subscription: ${e.message}`));
  while (messageIds.size < expected || performance.now() - last < quietMs) {
    if (performance.now() - last > 60_000) break; // nothing for a minute: report what came
    await new Promise((r) => setTimeout(r, 200));
  }
  await subscription.close();
  return { messages: messageIds.size, objects: objects.size, strangers };
}

const data = join(state, 'data'); // each size's bucket: what fake-gcs-server loads, and the folder source
let writeSeconds = 0;
for (const n of SIZES) writeSeconds += writeFiles(data, n);
execFileSync('bash', [script, 'start', 'bigquery', 'pubsub'], { env: envOf, stdio: ['ignore', 'ignore', 'inherit'] });
const gcs = await startGcs(data);
const failures = [];
try {
  const env = { ...readEnv(), STORAGE_EMULATOR_ENDPOINT: gcs.endpoint, METADATA_SERVER_DETECTION: 'none' };
  const total = SIZES.reduce((a, b) => a + b, 0);
  console.error(
    `bench-load: wrote ${total} files in ${round(writeSeconds)} s; fake-gcs-server loaded them in ${round(gcs.loadSeconds)} s`,
  );
  const { createFolderSource } = await import('../dist/local/folder/folder-source.js');
  const storage = emulatorStorage(gcs.endpoint);
  const bigquery = emulatorBigQuery(env.BIGQUERY_EMULATOR_ENDPOINT, env.BIGQUERY_EMULATOR_PROJECT);
  // Only its tables are made here (the ledger the CLI reads): nothing is staged through this appender.
  const warehouse = createBigQueryWarehouse({
    bigquery,
    tables: DEFAULT_TABLE_NAMES,
    staging: { appender: { append: async () => undefined, close: async () => undefined }, promote: 'when-closed' },
  });
  await warehouse.ensureTables(); // the ledger the CLI reads
  await warehouse.close();
  const pubsub = emulatorPubSub(env.PUBSUB_EMULATOR_HOST, env.PUBSUB_PROJECT_ID);
  await pubsub.createTopic(INPROCESS_TOPIC);
  const { createPubSubPublisher } = await import('../dist/gcp/pubsub-publisher.js');

  for (const [kind, n] of SIZES.flatMap((n) => [
    ['gcs', n],
    ['folder', n],
  ])) {
    const bucket = bucketOf(n);
    const source = kind === 'gcs' ? createGcsSource({ storage, bucket }) : await createFolderSource(join(data, bucket));
    // Partition by partition, 16 at a time, as the CLI lists (fake-gcs-server reads the whole
    // bucket for each page it serves, so one listing of 100k objects in 100 pages takes minutes).
    const t0 = performance.now();
    const objects = [];
    const prefixes = DATES.flatMap((day) =>
      TIMES.map(
        (time) => `data_type=json/analytics_environment=live/event_category=load/event_ds=${day}/event_time=${time}/`,
      ),
    );
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        for (let prefix = prefixes.shift(); prefix; prefix = prefixes.shift()) {
          for await (const o of source.list(prefix)) objects.push(o);
        }
      }),
    );
    const listSeconds = (performance.now() - t0) / 1000;
    if (objects.length !== n) failures.push(`${kind} ${n}: listed ${objects.length} files`);

    // Publishing alone, in process: one notification per listed file, as the engine sends them.
    const publisher = createPubSubPublisher({ pubsub, topic: INPROCESS_TOPIC, bucket });
    const t1 = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: publisher.concurrency }, async () => {
        while (next < objects.length) await publisher.send(objects[next++], `bench-${kind}-${n}`);
      }),
    );
    await publisher.close();
    const publishSeconds = (performance.now() - t1) / 1000;

    // The CLI as an operator runs it: a dry run (listing, ledger, plan), then the backfill. From
    // gs:// it publishes to a topic that a subscription drains; a folder cannot feed the function,
    // so it ingests into DuckDB.
    const topic = `bench-load-${kind}-n${n}`;
    const [created] = await pubsub.createTopic(topic);
    const [subscription] = await created.createSubscription(`${topic}-check`, { ackDeadlineSeconds: 600 });
    subscription.setOptions({ flowControl: { maxMessages: 5000, allowExcessMessages: false } });
    const args = [
      BIN,
      '--gcs-bucket',
      kind === 'gcs' ? `gs://${bucket}` : join(data, bucket),
      '--gcp',
      'local-project',
      '--analytics-environment',
      'live',
      '--event-category',
      'load',
      '--event-ds-start',
      DATES[0],
      '--event-ds-stop',
      DATES[27],
      '--event-time',
      'all',
      '--record-dir',
      join(state, 'runs'),
      '--yes',
      '--json',
    ];
    // The dry run previews against the warehouse the backfill writes: BigQuery's ledger for gs://,
    // the DuckDB file for a folder (not there yet: counts only).
    const warehouseOf = kind === 'gcs' ? 'bigquery:local-project' : `duckdb:${join(state, `n${n}.duckdb`)}`;
    // Run as npx runs it: the executable itself, so its shebang's V8 flags apply.
    const dry = await measure([...args, '--warehouse', warehouseOf, '--dry-run'], { env, exec: true });
    const real =
      kind === 'gcs'
        ? ['--warehouse', 'bigquery:local-project', '--topic', topic]
        : ['--warehouse', `duckdb:${join(state, `n${n}.duckdb`)}`];
    const skip = kind === 'folder' && n > DIRECT_MAX;
    const run = skip
      ? { code: 0, stdout: '{}', seconds: NaN, rssMiB: NaN, cpuSeconds: NaN, stderr: '' }
      : await measure([...args, ...real], { env, exec: true });
    if (dry.code !== 0 || run.code !== 0)
      throw new Error(`CLI failed (${dry.code}, ${run.code}):\n${dry.stderr.slice(-2000)}\n${run.stderr.slice(-2000)}`);
    const plan = JSON.parse(dry.stdout);
    const counts = JSON.parse(run.stdout).run?.counts ?? {};
    const sent = (counts.published ?? 0) + (counts.ingested ?? 0);
    const planned = plan.totals?.toSend;
    if (planned !== n) failures.push(`${kind} ${n}: the dry run planned ${planned} files`);
    if (!skip && (sent !== n || counts.failed !== 0))
      failures.push(`${kind} ${n}: the CLI sent ${sent}, failed ${counts.failed}`);
    let delivered;
    if (kind === 'gcs') {
      delivered = await drain(subscription, n, new Set(objects.map((o) => o.name)));
      if (delivered.messages !== n || delivered.objects !== n || delivered.strangers !== 0)
        failures.push(`${kind} ${n}: the topic got ${JSON.stringify(delivered)}`);
    } else {
      await subscription.close();
      if (!skip) {
        delivered = await landedInDuckDb(join(state, `n${n}.duckdb`));
        if (delivered.events !== n || delivered.distinct !== n || delivered.ledger !== n)
          failures.push(`${kind} ${n}: DuckDB holds ${JSON.stringify(delivered)}`);
      }
    }
    await subscription.delete();
    console.log(
      JSON.stringify({
        source: kind,
        files: n,
        listing: {
          listed: objects.length,
          seconds: Math.round(listSeconds * 1000) / 1000,
          filesPerSecond: Math.round(objects.length / listSeconds),
        },
        publishing: {
          messages: objects.length,
          seconds: round(publishSeconds),
          messagesPerSecond: Math.round(objects.length / publishSeconds),
        },
        cliDryRun: {
          planned,
          seconds: round(dry.seconds),
          filesPerSecond: Math.round(n / dry.seconds),
          cpuSeconds: round(dry.cpuSeconds),
          peakRssMiB: round(dry.rssMiB),
        },
        cliBackfill: skip
          ? { skipped: `direct ingestion runs only up to BENCH_LOAD_DIRECT_MAX=${DIRECT_MAX} files` }
          : {
              mode: kind === 'gcs' ? 'publish' : 'direct-duckdb',
              sent,
              seconds: round(run.seconds),
              filesPerSecond: Math.round(n / run.seconds),
              cpuSeconds: round(run.cpuSeconds),
              peakRssMiB: round(run.rssMiB),
              ...(delivered ? { [kind === 'gcs' ? 'delivered' : 'landed']: delivered } : {}),
            },
      }),
    );
  }
  await pubsub.close();
} finally {
  try {
    process.kill(-gcs.child.pid, 'SIGKILL');
  } catch {
    // gone
  }
  execFileSync('bash', [script, 'stop'], { env: envOf, stdio: 'ignore' });
  rmSync(state, { recursive: true, force: true });
}
if (failures.length) {
  console.error(`bench-load: FAILED\n  ${failures.join('\n  ')}`);
  process.exit(1);
}
process.exit(0);
