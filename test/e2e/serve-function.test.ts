import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { freePort } from '../helpers/emulators.js';
import { buildFunction } from '../function/function-server.js';

const SCRIPT = fileURLToPath(new URL('../../scripts/serve-function.js', import.meta.url));
// Clients are made at start but nothing is called until a file arrives: unreachable endpoints will do.
const ENV = {
  STORAGE_EMULATOR_ENDPOINT: 'http://127.0.0.1:1',
  BIGQUERY_EMULATOR_ENDPOINT: 'http://127.0.0.1:1',
  BIGQUERY_EMULATOR_GRPC: '127.0.0.1:2',
  BIGQUERY_EMULATOR_PROJECT: 'local-project',
  GOOGLE_CLOUD_PROJECT: 'local-project',
  METADATA_SERVER_DETECTION: 'none',
};

/** Starts the script; resolves with its output once `ready` matches it, or once it exits. */
function serve(env: NodeJS.ProcessEnv, ready: RegExp) {
  const child = spawn(process.execPath, [SCRIPT], {
    env: { ...process.env, ...ENV, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const done = new Promise<string>((resolve) => {
    const check = () => ready.test(out) && resolve(out);
    child.stdout.on('data', (d: Buffer) => ((out += d.toString()), check()));
    child.stderr.on('data', (d: Buffer) => ((out += d.toString()), check()));
    child.on('exit', () => resolve(out));
  });
  return { child, done };
}

describe('npm run serve:function', () => {
  const source = buildFunction();

  it('listens on 127.0.0.1 only, and answers a GET with 405 and one line, not a stack trace', async () => {
    const port = await freePort();
    const { child, done } = serve(
      { FUNCTION_SOURCE: source, PORT: String(port), ALLOWED_BUCKETS: 'my-game-events' },
      /serve-function: ingest on/,
    );
    try {
      expect(await done).toContain(`serve-function: ingest on http://127.0.0.1:${port}/`);
      const res = await fetch(`http://127.0.0.1:${port}/`);
      expect(res.status).toBe(405);
      expect(await res.text()).toBe(
        'The ingest function takes a POST of a CloudEvent or a Pub/Sub push of a Cloud Storage notification (docs/function.md).\n',
      );
    } finally {
      child.kill();
    }
  });

  it('stops at a configuration error with the reason and what to set', async () => {
    const { done } = serve({ FUNCTION_SOURCE: source, PORT: String(await freePort()), ALLOWED_BUCKETS: '' }, /$^/);
    const entry = (await done).split('\n').find((l) => l.includes('configuration error'));
    expect(JSON.parse(entry ?? '{}')).toMatchObject({
      severity: 'ERROR',
      message: expect.stringMatching(/^configuration error: ALLOWED_BUCKETS is (not set|empty)\. \S/),
    });
  });
});
