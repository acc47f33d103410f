// `npm run bench`: every benchmark, one after another (they would skew each other in parallel).
// Each prints one JSON line of figures; this prints them as they come and a summary at the end.
// BENCH_ONLY=ingest,parser runs a subset. Emulator benchmarks need `scripts/emulators.sh install`.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const BENCHES = [
  ['parser', 'bench-parser.js', 'the shared parser alone vs readline + JSON.parse'],
  [
    'framings',
    'bench-framings.js',
    'the parser over every framing (back to back, \\r only, a long array line) vs NDJSON (issue 11: linear, ≤8×)',
  ],
  [
    'ingest',
    'bench-ingest.js',
    "a 256 MiB file through the CLI into DuckDB vs DuckDB's own load (issue 28: ≤1.5×, ≤256 MiB); a 240 MiB file of 2 KB attributes (issue 11: ≤256 MiB)",
  ],
  [
    'files',
    'bench-files.js',
    "many small files through the CLI into DuckDB vs DuckDB's own load (issue 28: ≤1.0×; ≥10,000 files/s, ≤256 MiB)",
  ],
  [
    'memory',
    'bench-memory.js',
    'peak RSS of one direct run per hostile input shape (tiny events, CR-only, {…}{…}, an array line, 3.9 MB events, 50 KB attributes, gzip of many rows) against 256 MiB (issue 27)',
  ],
  ['plan', 'bench-plan.js', 'a 10,000,000-object synthetic source planned, dry and journaled (issue 10: ≤256 MiB)'],
  ['ui', 'bench-ui.js', "time to the wizard's first screen (issue 5: <400 ms)"],
  ['cloud', 'bench-cloud.js', 'GCS listing and Pub/Sub publishing on the emulators, vs gcloud storage ls'],
  [
    'bigquery',
    'bench-bigquery.js',
    'BigQuery staging + promotion on the emulator: appends, DML per table, jobs, bytes billed and the implied ceiling (issue 12: DML per window, ≥1,000 files/s)',
  ],
  ['function', 'bench-function.js', 'the ingest function end to end on the emulators (files/s, events/s, RSS)'],
  ['load', 'bench-load.js', 'backfills of 1k, 10k and 100k files through the emulators'],
];
const only = process.env.BENCH_ONLY?.split(',');
const results = [];
for (const [name, file, what] of BENCHES) {
  if (only && !only.includes(name)) continue;
  const path = fileURLToPath(new URL(`./${file}`, import.meta.url));
  if (!existsSync(path)) continue;
  console.error(`\n== ${name}: ${what}`);
  const lines = [];
  const code = await new Promise((resolve) => {
    const child = spawn(process.execPath, [path], { stdio: ['ignore', 'pipe', 'inherit'] });
    child.stdout.on('data', (d) => {
      process.stdout.write(d);
      lines.push(
        ...String(d)
          .split('\n')
          .filter((l) => l.startsWith('{')),
      );
    });
    child.on('close', resolve);
  });
  results.push({ name, code, figures: lines.map((l) => JSON.parse(l)) });
}
console.error('\n== summary');
for (const r of results)
  console.error(
    `${r.name.padEnd(9)} ${r.code === 0 ? 'ok    ' : `FAILED (exit ${r.code})`} ${r.figures.map((f) => JSON.stringify(f)).join(' ')}`,
  );
process.exitCode = results.some((r) => r.code !== 0) ? 1 : 0;
