/**
 * Every example `--help` and `status --help` print runs as printed, against what they name: the
 * demo's bucket folder (`.demo/bucket`, as `npm run demo` writes it) and the same files in a
 * bucket `gs://my-events` on the emulators, with the topic `ingest` of project `my-project`.
 */
import { readdirSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HELP_TEXT, STATUS_HELP_TEXT } from '../../src/cli/help-text.js';
import { runDemo } from '../../src/demo/run-demo.js';
import { Writable } from 'node:stream';
import { emulatorPubSub, emulatorStorage } from '../../src/gcp/gcp-clients.js';
import {
  emulatorsAvailable,
  startBigQuery,
  startGcs,
  startPubSub,
  type RunningEmulator,
} from '../helpers/emulators.js';
import { runCli } from '../helpers/run-cli.js';

/** The examples of a help text: each command on one line (continuations joined), as words. */
function examples(help: string): string[][] {
  const block = help.slice(help.indexOf('\nExample'));
  const lines = block.split('\n').slice(2);
  const out: string[] = [];
  for (const line of lines) {
    if (!line.startsWith('  ')) break;
    const text = line.trim();
    if (out.length > 0 && out[out.length - 1]!.endsWith('\\'))
      out[out.length - 1] = `${out.at(-1)!.slice(0, -1)}${text}`;
    else out.push(text);
  }
  return out.map((c) => c.split(/\s+/));
}

describe.skipIf(!emulatorsAvailable('--help examples', ['gcs', 'pubsub', 'bigquery']))(
  'the examples of --help run as printed',
  () => {
    let emulators: RunningEmulator[] = [];
    let env: NodeJS.ProcessEnv;
    const cwd = mkdtempSync(join(tmpdir(), 'help-examples-'));

    beforeAll(async () => {
      emulators = await Promise.all([startGcs(), startPubSub(), startBigQuery()]);
      const [gcs, ps, bq] = emulators as [RunningEmulator, RunningEmulator, RunningEmulator];
      // What `npm run demo` leaves: the bucket folder, and the DuckDB file it backfilled.
      const folder = join(cwd, '.demo', 'bucket');
      expect(await runDemo(join(cwd, '.demo'), new Writable({ write: (_c, _e, done) => done() }))).toBe(0);
      const storage = emulatorStorage(gcs.endpoint);
      await storage.createBucket('my-events');
      const walk = (dir: string): string[] =>
        readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
          e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)],
        );
      for (const file of walk(folder))
        await storage.bucket('my-events').upload(file, { destination: relative(folder, file), resumable: false });
      await emulatorPubSub(ps.endpoint, 'my-project').createTopic('ingest');
      env = {
        STORAGE_EMULATOR_ENDPOINT: gcs.endpoint,
        PUBSUB_EMULATOR_HOST: ps.endpoint,
        BIGQUERY_EMULATOR_ENDPOINT: bq.endpoint,
        BIGQUERY_EMULATOR_GRPC: bq.grpc,
        BIGQUERY_EMULATOR_PROJECT: bq.project,
        XDG_STATE_HOME: join(cwd, 'state'),
      };
    }, 180_000);
    afterAll(async () => {
      await Promise.all(emulators.map((e) => e.stop()));
    });

    it('each example of --help and of status --help exits 0', async () => {
      const all = [...examples(HELP_TEXT), ...examples(STATUS_HELP_TEXT)];
      expect(all.length).toBeGreaterThanOrEqual(6);
      let lastRun: string | undefined;
      for (const words of all) {
        expect(words[0]).toBe('analytics-backfill');
        const argv = words.slice(1).map((w) => (w === 'RUN_ID' ? (lastRun ?? w) : w));
        const r = await runCli(argv, env, cwd);
        expect(r.code, `${words.join(' ')}\n${r.stderr}${r.stdout}`).toBe(0);
        lastRun = /Run record: \S*\/([^/\s]+)\.ndjson/.exec(r.stdout)?.[1] ?? lastRun;
      }
      expect(lastRun).toBeDefined();
    }, 300_000);
  },
);
