// Load benchmark (issue #6), on local emulators only (127.0.0.1): backfills of 1k, 10k and 100k
// files, each through the built CLI exactly as an operator runs it (GCS → ledger in BigQuery →
// one Pub/Sub notification per file). Needs `npm run build` and `scripts/emulators.sh install`.
// For each size and source, one JSON line: the source's listing rate (in process), the CLI's dry run
// (listing, ledger, plan) and its real run (publishing), with seconds, files per second and the
// CLI's peak RSS. Sources: fake-gcs-server (gs://), preloaded from a folder with -data, for sizes up
// to BENCH_LOAD_GCS_MAX (default 10000: the emulator's in-memory store inserts in linear time, so
// loading 100k objects takes it most of an hour); and the same files as a folder that mirrors the
// bucket, for every size. Sizes: BENCH_LOAD_SIZES (default 1000,10000,100000).
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { measure } from './bench-lib.js';

process.env.METADATA_SERVER_DETECTION ??= 'none'; // never probe the cloud metadata server

const { emulatorPubSub, emulatorStorage, emulatorBigQuery } = await import('../dist/gcp/gcp-clients.js');
const { createGcsSource } = await import('../dist/gcp/gcs-source.js');
const { createBigQueryWarehouse } = await import('../dist/gcp/bigquery-warehouse.js');
const { DEFAULT_TABLE_NAMES } = await import('../dist/core/table-schemas.js');

const SIZES = (process.env.BENCH_LOAD_SIZES ?? '1000,10000,100000').split(',').map(Number);
const GCS_MAX = Number(process.env.BENCH_LOAD_GCS_MAX ?? 10000);
// Direct ingestion into DuckDB checks the ledger with a scan per file, so it slows as the ledger
// grows (45,000 files: 7.5 min); past this size the folder's CLI run is a dry run only.
const DIRECT_MAX = Number(process.env.BENCH_LOAD_DIRECT_MAX ?? 10000);
const BUCKET = 'bench-load';
const TOPIC = 'bench-load';
const script = fileURLToPath(new URL('./emulators.sh', import.meta.url));
const BIN = fileURLToPath(new URL('../bin/analytics-backfill.js', import.meta.url));
const state = mkdtempSync(join(tmpdir(), 'bench-load-'));
const envOf = { ...process.env, EMULATORS_DIR: state };
const round = (x) => Math.round(x * 10) / 10;
const DATES = Array.from({ length: 28 }, (_, i) => `2024-03-${String(i + 1).padStart(2, '0')}`);
const TIMES = ['0-8', '8-16', '16-24'];

/** N one-event files under category nN, spread over 28 days × 3 time buckets × 50 sessions. */
function writeFiles(root, n) {
  const t0 = performance.now();
  mkdirSync(join(root, BUCKET), { recursive: true });
  for (let i = 0; i < n; i++) {
    const dir = join(root, BUCKET, 'data_type=json', 'analytics_environment=live', `event_category=n${n}`, `event_ds=${DATES[i % 28]}`, `event_time=${TIMES[i % 3]}`, `s${i % 50}`);
    if (i < 28 * 3 * 50) mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `20240301T000000Z-${String(i).padStart(6, '0')}`), `{"eventClass":"load","eventId":"${n}-${i}"}\n`);
  }
  return (performance.now() - t0) / 1000;
}

function gcsBin() {
  const dirs = [process.env.GOBIN, join(homedir(), 'go', 'bin'), ...(process.env.PATH ?? '').split(':')].filter(Boolean);
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

async function startGcs(dataDir) {
  const port = 40000 + Math.floor(Math.random() * 20000);
  const child = spawn(gcsBin(), ['-scheme', 'http', '-host', '127.0.0.1', '-port', String(port), '-backend', 'memory', '-data', dataDir, '-log-level', 'error'], { stdio: 'ignore', detached: true });
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

const data = join(state, 'data'); // what fake-gcs-server loads: only the sizes it can take
const mirror = join(state, 'mirror'); // a folder that mirrors the bucket: every size
let writeSeconds = 0;
for (const n of SIZES) {
  writeSeconds += writeFiles(mirror, n);
  if (n <= GCS_MAX) writeSeconds += writeFiles(data, n);
}
execFileSync('bash', [script, 'start', 'bigquery', 'pubsub'], { env: envOf, stdio: ['ignore', 'ignore', 'inherit'] });
const gcs = await startGcs(data);
try {
  const env = { ...readEnv(), STORAGE_EMULATOR_ENDPOINT: gcs.endpoint, METADATA_SERVER_DETECTION: 'none' };
  console.error(`bench-load: wrote the files in ${round(writeSeconds)} s; fake-gcs-server loaded ${SIZES.filter((n) => n <= GCS_MAX).reduce((a, b) => a + b, 0)} of them in ${round(gcs.loadSeconds)} s`);
  const { createFolderSource } = await import('../dist/local/folder-source.js');
  const storage = emulatorStorage(gcs.endpoint);
  const bigquery = emulatorBigQuery(env.BIGQUERY_EMULATOR_ENDPOINT, env.BIGQUERY_EMULATOR_PROJECT);
  const warehouse = createBigQueryWarehouse({ bigquery, tables: DEFAULT_TABLE_NAMES });
  await warehouse.ensureTables(); // the ledger the CLI reads
  await warehouse.close();
  const pubsub = emulatorPubSub(env.PUBSUB_EMULATOR_HOST, env.PUBSUB_PROJECT_ID);
  await pubsub.createTopic(TOPIC);
  const { createPubSubPublisher } = await import('../dist/gcp/pubsub-publisher.js');

  const runs = SIZES.flatMap((n) => [...(n <= GCS_MAX ? [['gcs', n]] : []), ['folder', n]]);
  for (const [kind, n] of runs) {
    const source = kind === 'gcs' ? createGcsSource({ storage, bucket: BUCKET }) : await createFolderSource(join(mirror, BUCKET));
    const t0 = performance.now();
    const objects = [];
    for await (const o of source.list(`data_type=json/analytics_environment=live/event_category=n${n}/`)) objects.push(o);
    const listSeconds = (performance.now() - t0) / 1000;

    // Publishing alone, in process: one notification per listed file, as the engine sends them.
    const publisher = createPubSubPublisher({ pubsub, topic: TOPIC, bucket: BUCKET });
    const t1 = performance.now();
    let next = 0;
    await Promise.all(Array.from({ length: publisher.concurrency }, async () => {
      while (next < objects.length) await publisher.send(objects[next++], `bench-${kind}-${n}`);
    }));
    await publisher.close();
    const publishSeconds = (performance.now() - t1) / 1000;

    // The CLI as an operator runs it: a dry run (listing, ledger, plan), then the backfill. From
    // gs:// it publishes to the topic; a folder cannot feed the function, so it ingests into DuckDB.
    const args = [BIN, '--gcs-bucket', kind === 'gcs' ? `gs://${BUCKET}` : join(mirror, BUCKET), '--gcp', 'local-project',
      '--analytics-environment', 'live', '--event-category', `n${n}`, '--event-ds-start', DATES[0], '--event-ds-stop', DATES[27],
      '--event-time', 'all', '--record-dir', join(state, 'runs'), '--yes', '--json'];
    const dry = await measure([...args, '--warehouse', 'bigquery:local-project', '--dry-run'], { env });
    const real = kind === 'gcs' ? ['--warehouse', 'bigquery:local-project', '--topic', TOPIC] : ['--warehouse', `duckdb:${join(state, `n${n}.duckdb`)}`];
    const skip = kind === 'folder' && n > DIRECT_MAX;
    const run = skip ? { code: 0, stdout: '{}', seconds: NaN, rssMiB: NaN, stderr: '' } : await measure([...args, ...real], { env });
    if (dry.code !== 0 || run.code !== 0) throw new Error(`CLI failed (${dry.code}, ${run.code}):\n${dry.stderr.slice(-2000)}\n${run.stderr.slice(-2000)}`);
    const counts = JSON.parse(run.stdout).run?.counts ?? {};
    console.log(JSON.stringify({
      source: kind,
      files: n,
      listing: { listed: objects.length, seconds: Math.round(listSeconds * 1000) / 1000, filesPerSecond: Math.round(objects.length / listSeconds) },
      publishing: { messages: objects.length, seconds: round(publishSeconds), messagesPerSecond: Math.round(objects.length / publishSeconds) },
      cliDryRun: { seconds: round(dry.seconds), filesPerSecond: Math.round(n / dry.seconds), peakRssMiB: round(dry.rssMiB) },
      cliBackfill: skip ? { skipped: `direct ingestion runs only up to BENCH_LOAD_DIRECT_MAX=${DIRECT_MAX} files` } : { mode: kind === 'gcs' ? 'publish' : 'direct-duckdb', sent: (counts.published ?? 0) + (counts.ingested ?? 0), seconds: round(run.seconds), filesPerSecond: Math.round(n / run.seconds), peakRssMiB: round(run.rssMiB) },
    }));
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
process.exit(0);
