// Shared helpers for the benchmark scripts: run a child process and measure wall time and peak RSS.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const PRELOAD = fileURLToPath(new URL('./report-rss.cjs', import.meta.url));

/**
 * Runs `node args…` (or, with `exec`, the executable `args[0]` itself, as npx would, so its shebang
 * applies), returning seconds, peak RSS in MiB, CPU seconds (user + system), exit code and output.
 */
export function measure(args, { env = {}, cwd, exec = false } = {}) {
  const rssFile = join(mkdtempSync(join(tmpdir(), 'rss-')), 'rss');
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const [command, argv] = exec ? [args[0], args.slice(1)] : [process.execPath, ['--require', PRELOAD, ...args]];
    // As npx would: this Node first on the PATH, so the bin's shebang finds it.
    const nodeOptions = exec
      ? {
          NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --require ${PRELOAD}`.trim(),
          PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ''}`,
        }
      : {};
    const child = spawn(command, argv, {
      env: { ...process.env, ...env, ...nodeOptions, BENCH_RSS_FILE: rssFile },
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(cwd ? { cwd } : {}),
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const seconds = (performance.now() - started) / 1000;
      let rssMiB = NaN;
      let cpuSeconds = NaN;
      try {
        const [rssKiB, cpuMicros] = readFileSync(rssFile, 'utf8').split(' ').map(Number);
        rssMiB = (rssKiB ?? NaN) / 1024;
        cpuSeconds = (cpuMicros ?? NaN) / 1e6;
      } catch {
        // the child died before its exit hook ran
      }
      resolve({ code, seconds, rssMiB, cpuSeconds, stdout, stderr });
    });
  });
}

/**
 * DuckDB's own NDJSON load of `glob` into a new file `db` (issue 28's peer: what an operator would
 * run instead of this tool), on 1 and on 2 threads: the faster run, with the thread count it used.
 */
export async function duckdbOwnLoad(glob, db) {
  const runs = [];
  for (const threads of [1, 2]) runs.push({ ...(await duckdbOwnLoadOn(glob, db, { threads })), threads });
  return runs.filter((r) => r.code === 0).sort((a, b) => a.seconds - b.seconds)[0] ?? runs[0];
}

/**
 * DuckDB's own load of `glob` into a new file `db`: `CREATE TABLE … AS SELECT * FROM read_json(…)`
 * with the typed columns it detects, no contract, no ledger; prints the count of rows loaded.
 * `format` is read_json's (`newline_delimited`, or `auto` for other framings); `threads` DuckDB's.
 */
export function duckdbOwnLoadOn(glob, db, { threads = 1, format = 'newline_delimited' } = {}) {
  rmSync(db, { force: true });
  rmSync(`${db}.wal`, { force: true });
  const api = createRequire(import.meta.url).resolve('@duckdb/node-api');
  const options = `format = '${format}', filename = true, maximum_object_size = ${16 * 2 ** 20}`;
  const sql = `CREATE TABLE e AS SELECT * FROM read_json('${glob.replace(/'/g, "''")}', ${options})`;
  return measure([
    '-e',
    `const { DuckDBInstance } = require(${JSON.stringify(api)});
    (async () => {
      const i = await DuckDBInstance.create(${JSON.stringify(db)}, { threads: '${threads}' });
      const c = await i.connect();
      await c.run(${JSON.stringify(sql)});
      await c.run('CHECKPOINT');
      console.log(String((await c.runAndReadAll('SELECT count(*) FROM e')).getRowsJS()[0][0]));
      c.closeSync();
      i.closeSync();
    })();`,
  ]);
}
