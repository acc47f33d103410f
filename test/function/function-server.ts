/**
 * Serves the built ingest function with the functions framework's own server, as
 * `npm run serve:function` does, in a child process the tests can kill and restart. Its stdout
 * (the function's structured JSON logs) is kept and searchable.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** The framework's server, from the folder's own installed packages. */
const frameworkOf = (source: string) =>
  join(source, 'node_modules', '@google-cloud', 'functions-framework', 'build', 'src', 'main.js');

/** NODE_OPTIONS as docs/function.md deploys the function (its `function.env.yaml`). */
export function documentedNodeOptions(): string {
  const options = /^NODE_OPTIONS: (.+)$/m.exec(readFileSync(join(ROOT, 'docs', 'function.md'), 'utf8'))?.[1];
  if (!options) throw new Error('docs/function.md deploys no NODE_OPTIONS');
  return options;
}

/**
 * Builds the deployable folder (scripts/build-function.js) into a temporary directory. Uses the
 * compiled dist/ that `npm test` builds first; compiles only when dist/ lacks the function.
 */
export function buildFunction(): string {
  const out = join(mkdtempSync(join(tmpdir(), 'ingest-fn-')), 'function');
  const args = [join(ROOT, 'scripts', 'build-function.js'), '--out', out];
  if (existsSync(join(ROOT, 'dist', 'function', 'index.js'))) args.push('--no-tsc');
  execFileSync(process.execPath, args, { stdio: ['ignore', 'ignore', 'inherit'] });
  symlinkSync(installedDependencies(out), join(out, 'node_modules'), 'dir');
  return out;
}

/**
 * The folder's packages installed as Cloud Build installs them (`npm ci --omit=dev` from its own
 * package.json and lockfile), once per lockfile: the test files of a run share the install.
 * Returns its node_modules.
 */
export function installedDependencies(out: string): string {
  const key = createHash('sha256')
    .update(readFileSync(join(out, 'package.json')))
    .update(readFileSync(join(out, 'package-lock.json')))
    .digest('hex')
    .slice(0, 16);
  const shared = join(tmpdir(), `abf-function-deps-${key}`);
  if (!existsSync(join(shared, 'node_modules'))) {
    const staging = mkdtempSync(join(tmpdir(), 'abf-function-deps-'));
    for (const f of ['package.json', 'package-lock.json']) copyFileSync(join(out, f), join(staging, f));
    execFileSync('npm', ['ci', '--omit=dev', '--no-audit', '--no-fund', '--loglevel=error'], {
      cwd: staging,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    try {
      renameSync(staging, shared);
    } catch {
      rmSync(staging, { recursive: true, force: true }); // another test file installed it first
    }
  }
  return join(shared, 'node_modules');
}

export type LogEntry = Record<string, unknown> & { severity?: string; message?: string };

export interface FunctionServer {
  port: number;
  /** `http://127.0.0.1:PORT/projects/P/topics/T`: a push endpoint whose path names the topic. */
  pushEndpoint(project: string, topic: string): string;
  pid(): number | undefined;
  /** Structured entries logged so far (across restarts). */
  entries: LogEntry[];
  /** All output, for failure messages. */
  output(): string;
  /** Resolves with the first entry (already logged or to come) that matches. */
  waitForEntry(match: (e: LogEntry) => boolean, timeoutMs?: number): Promise<LogEntry>;
  /** Kills the server at once (SIGKILL: no cleanup, like a crashed instance) and waits for the exit. */
  kill(): Promise<void>;
  /** Starts it again on the same port (after `kill`). */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export interface ServeOptions {
  source: string;
  port: number;
  env: NodeJS.ProcessEnv;
  /** Extra node flags, e.g. `--require` a preload. */
  nodeArgs?: string[];
  /** The entry point: `ingest` (a CloudEvent function, the default) or `promote` (HTTP, for Cloud Scheduler). */
  target?: 'ingest' | 'promote';
}

export async function serveFunction(opts: ServeOptions): Promise<FunctionServer> {
  const entries: LogEntry[] = [];
  let text = '';
  let child: ChildProcess | undefined;
  const waiters = new Set<() => void>();

  const start = async () => {
    const c = spawn(
      process.execPath,
      [
        ...(opts.nodeArgs ?? []),
        frameworkOf(opts.source),
        `--target=${opts.target ?? 'ingest'}`,
        `--signature-type=${opts.target === 'promote' ? 'http' : 'cloudevent'}`,
        `--source=${opts.source}`,
        `--port=${opts.port}`,
      ],
      { env: { ...process.env, METADATA_SERVER_DETECTION: 'none', ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child = c;
    let pending = '';
    c.stdout?.on('data', (d: Buffer) => {
      pending += d.toString('utf8');
      let nl: number;
      while ((nl = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, nl);
        pending = pending.slice(nl + 1);
        text = (text + line + '\n').slice(-200_000);
        if (line.startsWith('{')) {
          try {
            entries.push(JSON.parse(line) as LogEntry);
          } catch {
            // not one of ours
          }
        }
        for (const w of waiters) w();
      }
    });
    c.stderr?.on('data', (d: Buffer) => (text = (text + d.toString('utf8')).slice(-200_000)));
    // Ready when the port answers (the framework prints "Serving function..." just before).
    const deadline = Date.now() + 30_000;
    for (;;) {
      if (c.exitCode !== null) throw new Error(`the function exited (${c.exitCode}) at start:\n${text}`);
      try {
        await fetch(`http://127.0.0.1:${opts.port}/`, { method: 'GET', signal: AbortSignal.timeout(1000) });
        return;
      } catch {
        if (Date.now() > deadline) throw new Error(`the function did not start:\n${text}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  };

  const kill = async () => {
    const c = child;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    const exited = new Promise<void>((r) => c.once('exit', () => r()));
    c.kill('SIGKILL');
    await exited;
  };

  await start();
  return {
    port: opts.port,
    pushEndpoint: (project, topic) => `http://127.0.0.1:${opts.port}/projects/${project}/topics/${topic}`,
    pid: () => child?.pid,
    entries,
    output: () => text,
    waitForEntry(match, timeoutMs = 120_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = entries.find(match);
          if (found) {
            waiters.delete(check);
            clearTimeout(timer);
            resolve(found);
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no matching function log entry after ${timeoutMs} ms; output:\n${text.slice(-5000)}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    kill,
    restart: start,
    async stop() {
      const c = child;
      if (!c || c.exitCode !== null || c.signalCode !== null) return;
      const exited = new Promise<void>((r) => c.once('exit', () => r()));
      c.kill('SIGTERM');
      const t = setTimeout(() => c.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(t);
    },
  };
}
