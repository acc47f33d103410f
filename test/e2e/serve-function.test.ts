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

  it('npm run serve:function ends with npm: a SIGTERM to npm leaves no server behind', async () => {
    const port = await freePort();
    const npm = spawn('npm', ['run', '--silent', 'serve:function'], {
      env: { ...process.env, ...ENV, PORT: String(port), ALLOWED_BUCKETS: 'my-game-events' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    const exited = new Promise<void>((resolve) => npm.once('exit', () => resolve()));
    await new Promise<void>((resolve, reject) => {
      const check = () => /serve-function: ingest on/.test(out) && resolve();
      npm.stdout.on('data', (d: Buffer) => ((out += d.toString()), check()));
      npm.stderr.on('data', (d: Buffer) => ((out += d.toString()), check()));
      npm.once('exit', () => reject(new Error(`npm exited before serving:\n${out}`)));
    });
    expect((await fetch(`http://127.0.0.1:${port}/`)).status).toBe(405);
    npm.kill('SIGTERM');
    await exited;
    let refused = false;
    for (let i = 0; i < 50 && !refused; i++) {
      refused = await fetch(`http://127.0.0.1:${port}/`).then(
        () => false,
        () => true,
      );
      if (!refused) await new Promise((r) => setTimeout(r, 100));
    }
    expect(refused, 'the server still answers after npm was stopped').toBe(true);
  }, 180_000);

  it('stops at a configuration error with the reason and what to set', async () => {
    const { done } = serve({ FUNCTION_SOURCE: source, PORT: String(await freePort()), ALLOWED_BUCKETS: '' }, /$^/);
    const entry = (await done).split('\n').find((l) => l.includes('configuration error'));
    expect(JSON.parse(entry ?? '{}')).toMatchObject({
      severity: 'ERROR',
      message: expect.stringMatching(/^configuration error: ALLOWED_BUCKETS is (not set|empty)\. \S/),
    });
  });
});
