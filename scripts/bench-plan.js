// Issue 10's planning benchmark: a synthetic source of BENCH_PLAN_FILES objects (default 10,000,000;
// generated names, no bytes: a bench helper, not a product feature) planned as a dry run (counts
// only) and as a real run's plan (the files to send journaled to disk, then read back once as the
// run would), each in its own process, with wall time and peak RSS. Limit: 256 MiB peak RSS.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { measure } from './bench-lib.js';

const FILES = Number(process.env.BENCH_PLAN_FILES ?? 10_000_000);
const DAYS = 365;
const TIMES = ['0-8', '8-16', '16-24'];

if (process.argv[2] === '--child') {
  const { planBackfill } = await import('../dist/engine/plan-backfill.js');
  const mode = process.argv[3];
  const perPartition = Math.ceil(FILES / (DAYS * TIMES.length));
  const day = (i) => new Date(Date.UTC(2025, 0, 1 + i)).toISOString().slice(0, 10);
  const dates = Array.from({ length: DAYS }, (_, i) => day(i));
  /** A bucket of FILES objects: 1 environment × 1 category × 365 days × 3 buckets. */
  const source = {
    url: 'synthetic://bench',
    bucket: 'bench',
    async discover(prefix) {
      if (prefix === 'data_type=json/') return { values: ['live'], problems: [] };
      if (prefix.endsWith('analytics_environment=live/')) return { values: ['gameplay'], problems: [] };
      return { values: dates, problems: [] };
    },
    async *list(prefix) {
      const base = prefix.endsWith('/') ? prefix : `${prefix}/`;
      for (let i = 0; i < perPartition; i++) {
        yield {
          name: `${base}session-${i % 5000}/20250101T000000Z-${String(i).padStart(8, '0')}.json`,
          size: 2048,
          generation: String(1_700_000_000_000_000 + i),
          updated: '2025-01-01T00:00:00.000Z',
        };
      }
    },
    read() {
      throw new Error('synthetic objects have no bytes');
    },
    filePath: (name) => `gs://bench/${name}`,
  };
  const journalDir = mode === 'journal' ? mkdtempSync(join(tmpdir(), 'bench-plan-')) : undefined;
  const started = performance.now();
  const plan = await planBackfill({
    source,
    selection: {
      dataType: 'json',
      environments: ['live'],
      categories: ['gameplay'],
      start: dates[0],
      stop: dates.at(-1),
      times: TIMES,
    },
    ...(journalDir ? { journalDir } : {}),
  });
  const planned = (performance.now() - started) / 1000;
  let readBack = 0;
  if (plan.files) for await (const _ of plan.files()) readBack++;
  plan.discard();
  if (journalDir) rmSync(journalDir, { recursive: true, force: true });
  console.log(
    JSON.stringify({
      planned: plan.totals.toSend,
      partitions: plan.totals.partitions,
      planSeconds: planned,
      readBack,
      readSeconds: (performance.now() - started) / 1000 - planned,
    }),
  );
} else {
  let failed = false;
  for (const mode of ['dry-run', 'journal']) {
    const r = await measure([fileURLToPath(import.meta.url), '--child', mode]);
    if (r.code !== 0) {
      console.error(r.stderr);
      process.exit(1);
    }
    const out = JSON.parse(r.stdout);
    const ok = out.planned >= FILES && r.rssMiB <= 256 && (mode === 'dry-run' || out.readBack === out.planned);
    if (!ok) failed = true;
    console.log(
      JSON.stringify({
        bench: `plan-${FILES}-${mode}`,
        files: out.planned,
        partitions: out.partitions,
        seconds: +r.seconds.toFixed(1),
        planSeconds: +out.planSeconds.toFixed(1),
        ...(mode === 'journal' ? { readBackSeconds: +out.readSeconds.toFixed(1), readBack: out.readBack } : {}),
        filesPerSecond: Math.round(out.planned / out.planSeconds),
        rssMiB: Math.round(r.rssMiB),
        limits: { rssMiB: 256 },
        ok,
      }),
    );
  }
  process.exitCode = failed ? 1 : 0;
}
