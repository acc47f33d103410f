/**
 * Starts and stops the Google Cloud emulators for the integration tests: each test file starts
 * its own on free loopback ports and stops them after, so files can run in parallel and a test may
 * stop one mid-way (the interrupted-publish test does). The binaries come from
 * `scripts/emulators.sh install`. When one is missing the suite needing it is skipped with a loud
 * warning, unless REQUIRE_EMULATORS=1 (CI), where a missing emulator fails the run.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';

// Loopback only: never let the Google clients probe the cloud metadata server for credentials.
process.env.METADATA_SERVER_DETECTION ??= 'none';

export type EmulatorName = 'gcs' | 'bigquery' | 'pubsub';

export const EMULATOR_PROJECT = 'local-project';

function goBin(): string[] {
  const dirs: string[] = [];
  if (process.env.GOBIN) dirs.push(process.env.GOBIN);
  try {
    dirs.push(
      join(
        execFileSync('go', ['env', 'GOPATH'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim(),
        'bin',
      ),
    );
  } catch {
    // no go: fall back to the default GOPATH
  }
  dirs.push(join(homedir(), 'go', 'bin'));
  return dirs;
}

function onPath(name: string): string | undefined {
  for (const dir of [...goBin(), ...(process.env.PATH ?? '').split(':')]) {
    const p = join(dir, name);
    if (dir && existsSync(p)) return p;
  }
  return undefined;
}

function pubsubBin(): string | undefined {
  const roots = ['/usr/lib/google-cloud-sdk', '/usr/share/google-cloud-sdk', '/google-cloud-sdk'];
  try {
    roots.unshift(
      execFileSync('gcloud', ['info', '--format=value(installation.sdk_root)'], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      }).trim(),
    );
  } catch {
    // no gcloud on PATH
  }
  for (const root of roots) {
    const p = join(root, 'platform', 'pubsub-emulator', 'bin', 'cloud-pubsub-emulator');
    if (root && existsSync(p)) return onPath('java') ? p : undefined;
  }
  return undefined;
}

const memo = <T>(f: () => T): (() => T) => {
  let done = false;
  let value: T;
  return () => {
    if (!done) {
      value = f();
      done = true;
    }
    return value;
  };
};

const binaries: Record<EmulatorName, () => string | undefined> = {
  gcs: memo(() => onPath('fake-gcs-server')),
  bigquery: memo(() => onPath('bigquery-emulator')),
  pubsub: memo(pubsubBin),
};

/** The installed emulator executable, if any (for tests that start one with their own flags). */
export function emulatorBinary(name: EmulatorName): string | undefined {
  return binaries[name]();
}

/**
 * Whether the emulators a suite needs are installed. Call at collection time and pass the result
 * to `describe.skipIf(!…)`. Prints a loud warning when skipping; throws under REQUIRE_EMULATORS=1.
 */
export function emulatorsAvailable(suite: string, names: readonly EmulatorName[]): boolean {
  const missing = names.filter((n) => binaries[n]() === undefined);
  if (missing.length === 0) return true;
  const msg = `missing emulator(s) ${missing.join(', ')} for "${suite}": run scripts/emulators.sh install`;
  if (process.env.REQUIRE_EMULATORS === '1') throw new Error(`REQUIRE_EMULATORS=1 and ${msg}`);
  console.warn(`\n${'!'.repeat(100)}\n!!! SKIPPING integration suite: ${msg}\n${'!'.repeat(100)}\n`);
  return false;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

async function waitHttp(url: string, child: ChildProcess, log: () => string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`emulator exited (${child.exitCode}) before it was ready:\n${log()}`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (res.status < 500) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`emulator at ${url} not ready after ${timeoutMs} ms:\n${log()}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

export interface RunningEmulator {
  name: EmulatorName;
  port: number;
  /** `http://127.0.0.1:PORT` (gcs, bigquery) or `127.0.0.1:PORT` (pubsub, as PUBSUB_EMULATOR_HOST). */
  endpoint: string;
  project: string;
  /** `127.0.0.1:GRPC_PORT`: bigquery-emulator's gRPC endpoint (the Storage Write API), as BIGQUERY_EMULATOR_GRPC. */
  grpc: string;
  /** Stops it (its whole process group) and waits for the exit. Safe to call twice. */
  stop(): Promise<void>;
}

/** Process groups this worker started and has not stopped: killed if the worker exits first. */
const running = new Set<number>();
process.once('exit', () => {
  for (const pgid of running) {
    try {
      process.kill(-pgid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

async function launchOnce(
  name: EmulatorName,
  args: (port: number, grpc: number) => string[],
  health: (port: number) => string,
  endpoint: (port: number) => string,
): Promise<RunningEmulator> {
  const bin = binaries[name]();
  if (!bin) throw new Error(`${name} emulator is not installed: run scripts/emulators.sh install`);
  const port = await freePort();
  const grpc = await freePort();
  // detached: its own process group, so stop() also ends the JVM the Pub/Sub wrapper script starts.
  const child = spawn(bin, args(port, grpc), { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (b: Buffer) => {
    output = (output + b.toString('utf8')).slice(-8000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const pgid = child.pid;
  if (pgid !== undefined) running.add(pgid);
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      if (pgid !== undefined) running.delete(pgid);
      resolve();
    }),
  );
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      return;
    }
    const timer = setTimeout(() => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }, 5000);
    await exited;
    clearTimeout(timer);
  };
  try {
    await waitHttp(health(port), child, () => output, 90_000);
    // Still ours? (Another process may have taken the port between freePort() and the bind.)
    await new Promise((r) => setTimeout(r, 100));
    if (child.exitCode !== null) throw new Error(`emulator exited (${child.exitCode}) right after start:\n${output}`);
  } catch (err) {
    await stop();
    throw err;
  }
  return { name, port, endpoint: endpoint(port), project: EMULATOR_PROJECT, grpc: `127.0.0.1:${grpc}`, stop };
}

/** Starts an emulator on fresh ports, trying again when it dies at start (a port taken meanwhile). */
async function launch(...args: Parameters<typeof launchOnce>): Promise<RunningEmulator> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await launchOnce(...args);
    } catch (err) {
      if (attempt >= 3 || !/emulator exited/.test(String(err))) throw err;
    }
  }
}

export function startGcs(): Promise<RunningEmulator> {
  return launch(
    'gcs',
    (p) => [
      '-scheme',
      'http',
      '-host',
      '127.0.0.1',
      '-port',
      String(p),
      '-backend',
      'memory',
      '-external-url',
      `http://127.0.0.1:${p}`,
      '-log-level',
      'error',
    ],
    (p) => `http://127.0.0.1:${p}/storage/v1/b`,
    (p) => `http://127.0.0.1:${p}`,
  );
}

/**
 * A database file for bigquery-emulator that waits for its lock. The emulator keeps every table in
 * one SQLite database opened in shared-cache mode, where a write that meets another (a Write API
 * append during a query job) fails at once with "database is locked"; BigQuery has no such
 * conflict. The emulator appends `?cache=shared` to the path it is given: the trailing `&_=`
 * turns that into an unused parameter, so the file is opened with a busy timeout and WAL instead.
 */
export function bigQueryDatabase(dir = mkdtempSync(join(tmpdir(), 'bq-emulator-'))): string {
  return `${join(dir, 'bq.db')}?_pragma=busy_timeout(20000)&_pragma=journal_mode(WAL)&_txlock=immediate&_=`;
}

export function startBigQuery(): Promise<RunningEmulator> {
  return launch(
    'bigquery',
    (p, g) => [
      `--project=${EMULATOR_PROJECT}`,
      '--host=127.0.0.1',
      `--port=${p}`,
      `--grpc-port=${g}`,
      `--database=${bigQueryDatabase()}`,
    ],
    (p) => `http://127.0.0.1:${p}/bigquery/v2/projects/${EMULATOR_PROJECT}/datasets`,
    (p) => `http://127.0.0.1:${p}`,
  );
}

export function startPubSub(): Promise<RunningEmulator> {
  return launch(
    'pubsub',
    (p) => ['--host=127.0.0.1', `--port=${p}`],
    (p) => `http://127.0.0.1:${p}/`,
    (p) => `127.0.0.1:${p}`,
  );
}
