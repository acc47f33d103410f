/**
 * An emulator that keeps its data on disk and can be stopped and started again on the same port,
 * so a test can take BigQuery or Cloud Storage away in the middle of a file and bring it back:
 * bigquery-emulator with `--database FILE`, fake-gcs-server with its filesystem backend.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bigQueryDatabase, EMULATOR_PROJECT, emulatorBinary, freePort } from '../helpers/emulators.js';

export interface Restartable {
  endpoint: string;
  /** `127.0.0.1:GRPC_PORT` (bigquery: the Storage Write API). */
  grpc: string;
  /** Stops it at once (SIGKILL to its process group) and waits for the exit. */
  kill(): Promise<void>;
  start(): Promise<void>;
  /** Kills it for good and removes its data folder. */
  stop(): Promise<void>;
  output(): string;
}

const alive = new Set<number>();
/** Each emulator's data folder (a BigQuery one holds ~330 MB): removed when the test process ends. */
const folders = new Set<string>();
process.once('exit', () => {
  for (const pid of alive) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
  for (const dir of folders) rmSync(dir, { recursive: true, force: true });
});

async function restartable(
  name: 'gcs' | 'bigquery',
  args: (port: number, grpc: number, dir: string) => string[],
  health: (port: number) => string,
): Promise<Restartable> {
  const bin = emulatorBinary(name);
  if (!bin) throw new Error(`${name} emulator is not installed: run scripts/emulators.sh install`);
  const [port, grpc] = [await freePort(), await freePort()];
  const dir = mkdtempSync(join(tmpdir(), `restartable-${name}-`));
  folders.add(dir);
  let child: ChildProcess | undefined;
  let text = '';
  const kill = async () => {
    const c = child;
    if (!c || c.pid === undefined || c.exitCode !== null || c.signalCode !== null) return;
    const exited = new Promise<void>((r) => c.once('exit', () => r()));
    process.kill(-c.pid, 'SIGKILL');
    await exited;
    alive.delete(c.pid);
  };
  const start = async () => {
    const c = spawn(bin, args(port, grpc, dir), { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    child = c;
    if (c.pid !== undefined) alive.add(c.pid);
    const keep = (b: Buffer) => (text = (text + b.toString()).slice(-8000));
    c.stdout?.on('data', keep);
    c.stderr?.on('data', keep);
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (c.exitCode !== null) throw new Error(`${name} emulator exited at start:\n${text}`);
      try {
        if ((await fetch(health(port), { signal: AbortSignal.timeout(2000) })).status < 500) return;
      } catch {
        // not yet
      }
      if (Date.now() > deadline) throw new Error(`${name} emulator not ready:\n${text}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  await start();
  const stop = async () => {
    await kill();
    rmSync(dir, { recursive: true, force: true });
    folders.delete(dir);
  };
  return { endpoint: `http://127.0.0.1:${port}`, grpc: `127.0.0.1:${grpc}`, kill, start, stop, output: () => text };
}

export function restartableBigQuery(): Promise<Restartable> {
  return restartable(
    'bigquery',
    (p, g, dir) => [
      `--project=${EMULATOR_PROJECT}`,
      '--host=127.0.0.1',
      `--port=${p}`,
      `--grpc-port=${g}`,
      `--database=${bigQueryDatabase(dir)}`,
    ],
    (p) => `http://127.0.0.1:${p}/bigquery/v2/projects/${EMULATOR_PROJECT}/datasets`,
  );
}

export function restartableGcs(): Promise<Restartable> {
  return restartable(
    'gcs',
    (p, _g, dir) => [
      '-scheme',
      'http',
      '-host',
      '127.0.0.1',
      '-port',
      String(p),
      '-backend',
      'filesystem',
      '-filesystem-root',
      join(dir, 'gcs'),
      '-external-url',
      `http://127.0.0.1:${p}`,
      '-log-level',
      'error',
    ],
    (p) => `http://127.0.0.1:${p}/storage/v1/b`,
  );
}
