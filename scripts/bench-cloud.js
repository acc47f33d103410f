// Cloud adapters benchmark, on local emulators only (127.0.0.1). Needs `npm run build` and
// `scripts/emulators.sh install`. Prints one JSON object:
//   - objects listed per second by our GCS source, and by `gcloud storage ls -l 'gs://B/P/**'`,
//     against the same fake-gcs-server, and their ratio;
//   - storage notifications published per second to the Pub/Sub emulator by our publisher.
// Sizes: BENCH_OBJECTS (default 5000: fake-gcs-server's uploads slow down as the bucket grows, 20000 take ~7 min), BENCH_MESSAGES (default 20000).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

process.env.METADATA_SERVER_DETECTION ??= 'none'; // never probe the cloud metadata server

const { emulatorPubSub, emulatorStorage } = await import('../dist/gcp/gcp-clients.js');
const { createGcsSource } = await import('../dist/gcp/gcs-source.js');
const { createPubSubPublisher } = await import('../dist/gcp/pubsub-publisher.js');

const OBJECTS = Number(process.env.BENCH_OBJECTS ?? 5000);
const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 20000);
const BUCKET = 'bench-bucket';
const PREFIX = 'data_type=json';
const script = fileURLToPath(new URL('./emulators.sh', import.meta.url));
const state = mkdtempSync(join(tmpdir(), 'bench-cloud-'));
const envOf = { ...process.env, EMULATORS_DIR: state };

function readEnv() {
  const out = {};
  for (const line of readFileSync(join(state, 'env'), 'utf8').split('\n')) {
    const i = line.indexOf('=');
    if (i > 0) out[line.slice(0, i)] = line.slice(i + 1);
  }
  return out;
}

async function mapLimit(items, limit, fn) {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) await fn(items[next++]);
    }),
  );
}

execFileSync('bash', [script, 'start', 'gcs', 'pubsub'], { env: envOf, stdio: ['ignore', 'ignore', 'inherit'] });
try {
  const env = readEnv();
  const storage = emulatorStorage(env.STORAGE_EMULATOR_ENDPOINT);
  await storage.createBucket(BUCKET);
  const names = [];
  for (let i = 0; i < OBJECTS; i++) {
    const env_ = ['staging', 'live'][i % 2];
    const ds = `2024-03-${String((i % 28) + 1).padStart(2, '0')}`;
    const time = ['0-8', '8-16', '16-24'][i % 3];
    names.push(
      `${PREFIX}/analytics_environment=${env_}/event_category=c${i % 5}/event_ds=${ds}/event_time=${time}/s${i % 50}/20240301T000000Z-${String(i).padStart(6, '0')}`,
    );
  }
  const t0 = performance.now();
  await mapLimit(names, 64, (n) =>
    storage.bucket(BUCKET).file(n).save('{"eventClass":"x"}\n', { resumable: false, validation: false }),
  );
  const uploadSeconds = (performance.now() - t0) / 1000;

  // Ours: the whole prefix, every page.
  const source = createGcsSource({ storage, bucket: BUCKET });
  const t1 = performance.now();
  let ours = 0;
  for await (const _ of source.list(`${PREFIX}/`)) ours++;
  const oursSeconds = (performance.now() - t1) / 1000;

  // gcloud against the same server.
  const t2 = performance.now();
  const gcloud = spawnSync('gcloud', ['storage', 'ls', '-l', `gs://${BUCKET}/${PREFIX}/**`], {
    env: {
      ...process.env,
      CLOUDSDK_API_ENDPOINT_OVERRIDES_STORAGE: `${env.STORAGE_EMULATOR_ENDPOINT}/`,
      CLOUDSDK_AUTH_DISABLE_CREDENTIALS: 'true',
      CLOUDSDK_CORE_PROJECT: 'local-project',
      CLOUDSDK_CORE_DISABLE_USAGE_REPORTING: 'true',
      CLOUDSDK_COMPONENT_MANAGER_DISABLE_UPDATE_CHECK: 'true',
    },
    encoding: 'utf8',
    maxBuffer: 1024 * 1024 * 1024,
  });
  const gcloudSeconds = (performance.now() - t2) / 1000;
  const gcloudCount =
    gcloud.status === 0 ? gcloud.stdout.split('\n').filter((l) => l.includes(`gs://${BUCKET}/`)).length : null;

  // Publishing.
  const pubsub = emulatorPubSub(env.PUBSUB_EMULATOR_HOST, 'local-project');
  await pubsub.createTopic('bench');
  const publisher = createPubSubPublisher({ pubsub, topic: 'bench', bucket: BUCKET });
  const objects = Array.from({ length: MESSAGES }, (_, i) => ({
    name: names[i % names.length],
    size: 19,
    generation: String(1700000000000000 + i),
    updated: '2024-03-01T00:00:00.000Z',
  }));
  const t3 = performance.now();
  await mapLimit(objects, publisher.concurrency, (o) => publisher.send(o, 'bench'));
  const publishSeconds = (performance.now() - t3) / 1000;
  await publisher.close();
  await pubsub.close();

  const round = (x) => Math.round(x * 10) / 10;
  console.log(
    JSON.stringify(
      {
        objects: OBJECTS,
        uploadSeconds: round(uploadSeconds),
        listing: {
          ours: { objects: ours, seconds: round(oursSeconds), objectsPerSecond: round(ours / oursSeconds) },
          gcloud:
            gcloudCount === null
              ? { error: gcloud.stderr.slice(-500) }
              : {
                  objects: gcloudCount,
                  seconds: round(gcloudSeconds),
                  objectsPerSecond: round(gcloudCount / gcloudSeconds),
                },
          ratio: gcloudCount === null ? null : round(ours / oursSeconds / (gcloudCount / gcloudSeconds)),
        },
        publishing: {
          messages: MESSAGES,
          seconds: round(publishSeconds),
          messagesPerSecond: round(MESSAGES / publishSeconds),
          concurrency: publisher.concurrency,
        },
      },
      null,
      2,
    ),
  );
} finally {
  execFileSync('bash', [script, 'stop'], { env: envOf, stdio: 'ignore' });
  rmSync(state, { recursive: true, force: true });
}
process.exit(0);
