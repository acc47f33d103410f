import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { emulatorsAvailable } from '../helpers/emulators.js';

const SCRIPT = fileURLToPath(new URL('../../scripts/emulators.sh', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'emulators-sh-'));
const run = (...args: string[]) =>
  spawnSync('bash', [SCRIPT, ...args], { env: { ...process.env, EMULATORS_DIR: dir }, encoding: 'utf8' });
const endpoint = () => /BIGQUERY_EMULATOR_ENDPOINT=(\S+)/.exec(readFileSync(join(dir, 'bigquery.env'), 'utf8'))?.[1];

describe.skipIf(!emulatorsAvailable('scripts/emulators.sh restart', ['bigquery']))(
  'scripts/emulators.sh stop, then start',
  () => {
    afterAll(() => run('stop', 'bigquery'));

    it('keeps the BigQuery emulator on its port, with its tables', async () => {
      expect(run('start', 'bigquery').status).toBe(0);
      const first = endpoint();
      const created = await fetch(`${first}/bigquery/v2/projects/local-project/datasets`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ datasetReference: { projectId: 'local-project', datasetId: 'kept' } }),
      });
      expect(created.ok).toBe(true);
      expect(run('stop', 'bigquery').status).toBe(0);
      expect(run('start', 'bigquery').status).toBe(0);
      expect(endpoint()).toBe(first);
      const list = (await (await fetch(`${first}/bigquery/v2/projects/local-project/datasets`)).json()) as {
        datasets?: { datasetReference: { datasetId: string } }[];
      };
      expect(list.datasets?.map((d) => d.datasetReference.datasetId)).toContain('kept');
    });

    it('after a crash (the emulator killed, no stop), start takes the same ports again', async () => {
      expect(run('start', 'bigquery').status).toBe(0);
      const before = readFileSync(join(dir, 'bigquery.env'), 'utf8');
      const pid = Number(readFileSync(join(dir, 'bigquery.pid'), 'utf8'));
      process.kill(-pid, 'SIGKILL');
      for (let i = 0; i < 100; i++) {
        try {
          process.kill(pid, 0);
          await new Promise((r) => setTimeout(r, 100));
        } catch {
          break;
        }
      }
      expect(run('start', 'bigquery').status).toBe(0);
      expect(readFileSync(join(dir, 'bigquery.env'), 'utf8')).toBe(before);
      expect((await fetch(`${endpoint()}/bigquery/v2/projects/local-project/datasets`)).ok).toBe(true);
    });
  },
);
