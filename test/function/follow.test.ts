/**
 * Issue 30: `--topic --follow` as an operator runs it. The backfill CLI publishes to the Pub/Sub
 * emulator, a push subscription delivers to the deployable function (served by the functions
 * framework), Cloud Scheduler's `promote` call is made every two seconds, and the CLI follows the
 * published files in BigQuery's ledger until every one landed.
 */
import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PubSub } from '@google-cloud/pubsub';
import type { Storage } from '@google-cloud/storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emulatorPubSub, emulatorStorage } from '../../src/gcp/gcp-clients.js';
import { createLimiter } from '../../src/core/limiter.js';
import {
  emulatorsAvailable,
  freePort,
  startBigQuery,
  startGcs,
  startPubSub,
  type RunningEmulator,
} from '../helpers/emulators.js';
import { BIN, runCli } from '../helpers/run-cli.js';
import { hasTmux, TmuxSession } from '../pty/tmux.js';
import { buildFunction, serveFunction, type FunctionServer } from './function-server.js';

const BUCKET = 'followed-events';
const TOPIC = 'analytics-follow';
const FILES = Number(process.env.FOLLOW_TEST_FILES ?? 2000);
const FAILING_TOPIC = 'analytics-follow-failing';
const FAILING_FILES = 200;
const name = (category: string, i: number) =>
  `data_type=json/analytics_environment=live/event_category=${category}/event_ds=2026-04-0${1 + (i % 3)}/` +
  `event_time=${['0-8', '8-16', '16-24'][i % 3]}/client-${i}/20260401T000000Z-${String(i).padStart(6, '0')}`;

describe.skipIf(!emulatorsAvailable('--follow on the emulators', ['gcs', 'bigquery', 'pubsub']))(
  '--topic --follow through the function',
  () => {
    let emus: RunningEmulator[] = [];
    let storage: Storage;
    let pubsub: PubSub;
    let fn: FunctionServer;
    let promoter: FunctionServer;
    let env: NodeJS.ProcessEnv;
    let promoting = false;
    /** Files the function fails on purpose (answered 500 before it reads them) until the test "fixes" them. */
    const broken = new Set<string>();
    let failing: Server;
    const records = mkdtempSync(join(tmpdir(), 'follow-runs-'));

    const upload = async (category: string, n: number) => {
      const slots = createLimiter(32);
      await Promise.all(
        Array.from({ length: n }, (_, i) =>
          slots.run(() =>
            storage
              .bucket(BUCKET)
              .file(name(category, i))
              .save(`{"eventClass":"${category}","eventId":"${category}-${i}"}\nnot json\n`, { resumable: false }),
          ),
        ),
      );
    };
    const backfill = (category: string, ...extra: string[]) =>
      runCli(
        [
          ...['--gcs-bucket', `gs://${BUCKET}`, '--topic', category === 'failing' ? FAILING_TOPIC : TOPIC],
          ...['--gcp', 'local-project'],
          ...['--warehouse', 'bigquery:local-project', '-e', 'live', '-c', category],
          ...['-s', '2026-04-01', '-u', '2026-04-03', '--record-dir', records, '--yes'],
          ...['--follow', '--follow-interval', '1s', ...extra],
        ],
        env,
      );

    beforeAll(async () => {
      const [gcs, bq, ps] = await Promise.all([startGcs(), startBigQuery(), startPubSub()]);
      emus = [gcs, bq, ps];
      storage = emulatorStorage(gcs.endpoint);
      pubsub = emulatorPubSub(ps.endpoint, ps.project);
      await storage.createBucket(BUCKET);
      env = {
        STORAGE_EMULATOR_ENDPOINT: gcs.endpoint,
        BIGQUERY_EMULATOR_ENDPOINT: bq.endpoint,
        BIGQUERY_EMULATOR_GRPC: bq.grpc,
        BIGQUERY_EMULATOR_PROJECT: bq.project,
        PUBSUB_EMULATOR_HOST: ps.endpoint,
        PUBSUB_PROJECT_ID: ps.project,
        METADATA_SERVER_DETECTION: 'none',
      };
      const source = buildFunction();
      const fnEnv = { ...env, ALLOWED_BUCKETS: BUCKET, JOB_NAME: 'follow-e2e', GOOGLE_CLOUD_PROJECT: bq.project };
      fn = await serveFunction({ source, port: await freePort(), env: fnEnv });
      promoter = await serveFunction({ source, port: await freePort(), target: 'promote', env: fnEnv });
      const [topic] = await pubsub.createTopic(TOPIC);
      await topic.createSubscription('follow-push', {
        pushConfig: { pushEndpoint: fn.pushEndpoint(ps.project, TOPIC) },
        ackDeadlineSeconds: 600,
      });
      // The function behind a gate that fails the files in `broken` as a failing function does (a
      // 500, so Pub/Sub retries, then dead-letters after the subscription's attempts) and hands every
      // other delivery to the function unchanged.
      failing = createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          const body = Buffer.concat(chunks);
          const object = (JSON.parse(body.toString('utf8')) as { message?: { attributes?: Record<string, string> } })
            .message?.attributes?.objectId;
          if (object !== undefined && broken.has(object)) {
            res.writeHead(500).end('failing on purpose');
            return;
          }
          fetch(fn.pushEndpoint(ps.project, FAILING_TOPIC), {
            method: 'POST',
            headers: { 'content-type': req.headers['content-type'] ?? 'application/json' },
            body,
          }).then(
            async (answer) => res.writeHead(answer.status).end(await answer.text()),
            () => res.writeHead(502).end(),
          );
        });
      });
      await new Promise<void>((resolve) => failing.listen(0, '127.0.0.1', resolve));
      // As docs/function.md sets up the trigger's subscription: a dead-letter topic, its -dead-hold
      // subscription, and a bounded number of attempts (5, Pub/Sub's least). No retry policy here:
      // the emulator's retry-policy delays stop redelivering once five or more messages wait to be
      // retried (docs/emulators.md); without one it redelivers at once, as Pub/Sub does.
      const [failingTopic] = await pubsub.createTopic(FAILING_TOPIC);
      const [dead] = await pubsub.createTopic(`${FAILING_TOPIC}-dead`);
      await dead.createSubscription(`${FAILING_TOPIC}-dead-hold`);
      await failingTopic.createSubscription('failing-push', {
        pushConfig: { pushEndpoint: `http://127.0.0.1:${(failing.address() as AddressInfo).port}/` },
        deadLetterPolicy: { deadLetterTopic: dead.name, maxDeliveryAttempts: 5 },
        ackDeadlineSeconds: 600,
      });
      await Promise.all([
        upload('staged', 20),
        upload('followed', FILES),
        upload('failing', FAILING_FILES),
        upload('wizard', 30),
      ]);
    }, 300_000);

    afterAll(async () => {
      promoting = false;
      failing?.close();
      await fn?.stop();
      await promoter?.stop();
      await pubsub?.close().catch(() => undefined);
      await Promise.all(emus.map((e) => e.stop()));
    });

    it('with no promotion, ends at its timeout with the files staged or waiting, exit 3', async () => {
      const r = await backfill('staged', '--follow-timeout', '3s');
      expect(r.code, r.stderr).toBe(3);
      expect(r.stdout).toMatch(
        /Not all landed within 3s: \d+ landed( \(\d+ with rejected lines\))?, \d+ staged, \d+ waiting/,
      );
      expect(r.stderr).toMatch(/^published 20 · \d+ landed/m);
    }, 120_000);

    /** Cloud Scheduler's call to `promote`, every two seconds instead of every minute, while `work` runs. */
    const promotingWhile = async <T>(work: () => Promise<T>): Promise<T> => {
      promoting = true;
      const schedule = (async () => {
        while (promoting) {
          await fetch(`http://127.0.0.1:${promoter.port}/`, { method: 'POST' }).catch(() => undefined);
          await new Promise((r) => setTimeout(r, 2000));
        }
      })();
      try {
        return await work();
      } finally {
        promoting = false;
        await schedule;
      }
    };

    it(`follows ${FILES} published files until every one landed, exit 0`, async () => {
      const r = await promotingWhile(() => backfill('followed', '--follow-timeout', '10m'));
      expect(r.code, r.stderr.slice(-3000)).toBe(0);
      expect(r.stdout).toMatch(
        new RegExp(
          `Followed: ${FILES.toLocaleString('en-US')} landed \\(${FILES.toLocaleString('en-US')} with rejected lines\\) in `,
        ),
      );
      // One look per interval, whatever the number of files: the run took at least one second per look.
      const [, looks] = /\((\d+) looks? at the warehouse/.exec(r.stdout) ?? [];
      const [, minutes, seconds] = /landed .* in (?:(\d+)m)?(\d+)s/.exec(r.stdout) ?? [];
      expect(Number(looks), r.stdout.slice(-500)).toBeGreaterThan(0);
      expect(Number(looks)).toBeLessThanOrEqual(Number(minutes ?? 0) * 60 + Number(seconds) + 2);
    }, 900_000);

    it('names the files the function failed until Pub/Sub dead-lettered them, exit 1; --resume after the fix lands exactly them', async () => {
      const failed = Array.from({ length: 10 }, (_, k) => name('failing', k * 17));
      for (const f of failed) broken.add(f);
      const first = await promotingWhile(() => backfill('failing', '--follow-timeout', '5m'));
      expect(first.code, first.stderr.slice(-3000)).toBe(1);
      // The preview priced the follow: two queries a look, at BigQuery's 10 MB minimum each.
      expect(first.stdout).toMatch(
        /then \$\S+ a minute while following \(1\.2 GiB billed a minute: 2 queries every 1s, 10 MB least each\)/,
      );
      const named = [
        ...first.stdout.matchAll(
          /^failed: (\S+): dead-lettered after 5 delivery attempts: the function failed on it/gm,
        ),
      ].map((m) => m[1]);
      const short = (f: string) => f.split('/').slice(-2).join('/');
      expect(named.map((n) => n!.split('/').slice(-2).join('/')).sort()).toEqual(failed.map(short).sort());
      expect(first.stdout).toMatch(/Followed: 190 landed, 10 failed \(dead-lettered\) in /);
      // Where the function's reasons are: its log entries of this run's failed attempts.
      expect(first.stdout).toMatch(
        /^Why, as the function logged each attempt:\ngcloud logging read '.*jsonPayload\.outcome="retry" AND jsonPayload\.backfill_run_id="[\w-]+"' --project=local-project /m,
      );
      const [, runId] = /--resume (\S+) --yes sends exactly those again/.exec(first.stdout) ?? [];
      expect(runId, first.stdout.slice(-1000)).toBeDefined();

      broken.clear(); // the cause fixed
      const again = await promotingWhile(() =>
        runCli(
          [
            '--resume',
            runId!,
            '--record-dir',
            records,
            '--yes',
            '--follow',
            '--follow-interval',
            '1s',
            '--follow-timeout',
            '5m',
          ],
          env,
        ),
      );
      expect(again.code, again.stderr.slice(-3000)).toBe(0);
      expect(again.stdout).toMatch(/Followed: 10 landed \(10 with rejected lines\) in /);
      expect(again.stderr).toMatch(/^published 10 · /m);
    }, 900_000);

    it.skipIf(!hasTmux())(
      'the wizard follows a --topic run by default once it published, and says so before it starts',
      async () => {
        const t = TmuxSession.start(
          [
            process.execPath,
            BIN,
            ...['--gcs-bucket', `gs://${BUCKET}`, '--topic', FAILING_TOPIC, '--gcp', 'local-project'],
            ...['--warehouse', 'bigquery:local-project', '-e', 'live', '-c', 'wizard'],
            ...['-s', '2026-04-01', '-u', '2026-04-03', '--event-time', 'all', '--record-dir', records],
          ],
          { cwd: records, env: { ...(env as Record<string, string>), NO_COLOR: '1' }, columns: 100, rows: 30 },
        );
        try {
          let screen = await t.waitFor(/To send: 30 files[\s\S]*a minute while following/, 60_000);
          expect(screen).toMatch(/then \$\S+ a minute while following \(80 MiB billed a minute: 2 queries every 15s/);
          t.keys('Enter');
          screen = await t.waitFor('Start the backfill?');
          expect(screen).toContain('Then follows the published files until every one landed or failed');
          const code = await promotingWhile(async () => {
            t.keys('Enter');
            return t.waitFor('EXIT=', 120_000);
          });
          expect(code, t.history().slice(-2000)).toContain('EXIT=0');
          const history = t.history();
          expect(history).toMatch(/Following 30 published files until they land/);
          expect(history).toMatch(/Followed: 30 landed \(30 with rejected lines\) in /);
          expect(t.screen(false, true)).toMatch(/^npx analytics-backfill --gcs-bucket gs:\/\/\S+ .* --yes --follow$/m);
        } finally {
          t.kill();
        }
      },
      300_000,
    );
  },
);
