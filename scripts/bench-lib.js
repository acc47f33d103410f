// Shared helpers for the benchmark scripts: run a child process and measure wall time and peak RSS.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const PRELOAD = fileURLToPath(new URL('./report-rss.cjs', import.meta.url));

/** Runs `node args…`, returning seconds, peak RSS in MiB, exit code and output. */
export function measure(args, { env = {}, cwd } = {}) {
  const rssFile = join(mkdtempSync(join(tmpdir(), 'rss-')), 'rss');
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--require', PRELOAD, ...args], {
      env: { ...process.env, ...env, BENCH_RSS_FILE: rssFile },
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
      try {
        rssMiB = Number(readFileSync(rssFile, 'utf8')) / 1024;
      } catch {
        // the child died before its exit hook ran
      }
      resolve({ code, seconds, rssMiB, stdout, stderr });
    });
  });
}
