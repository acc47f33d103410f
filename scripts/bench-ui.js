// Time from spawning the CLI to the wizard's first screen, in a real pseudo-terminal (tmux, 80×24).
// Two starts: no flags (the source step, ready for typing) and --gcs-bucket FOLDER (its first screen,
// then the environment step listing what the folder holds). Prints one JSON line of medians and
// maxima; exits 1 when a first screen's median is over the 400 ms budget.
// Needs `npm run build` first (npm run bench does it) and tmux.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BUDGET_MS = 400;
const RUNS = Number(process.env.BENCH_UI_RUNS ?? 9);
const BIN = fileURLToPath(new URL('../bin/analytics-backfill.js', import.meta.url));
const { writeSampleBucket } = await import('../dist/demo/sample-bucket.js');

const dir = mkdtempSync(join(tmpdir(), 'bench-ui-'));
const bucket = join(dir, 'bucket');
writeSampleBucket(bucket, {
  environments: ['testing', 'staging'],
  categories: ['gameplay'],
  start: '2026-03-01',
  stop: '2026-03-02',
  times: ['0-8'],
  filesPerPartition: 1,
  eventsPerFile: 1,
});

const socket = `bench-ui-${process.pid}`;
const tmux = (...args) => execFileSync('tmux', ['-L', socket, '-f', '/dev/null', ...args], { encoding: 'utf8' });
const quote = (s) => `'${s.replace(/'/g, `'\\''`)}'`;
tmux('new-session', '-d', '-s', 'bench', '-x', '80', '-y', '24', 'sleep 3600');

/** Milliseconds from asking tmux to start the command to each of `milestones(screen)` holding, in order. */
function timeTo(args, milestones, window) {
  const command = `cd ${quote(dir)} && NO_COLOR=1 XDG_STATE_HOME=${quote(join(dir, 'state'))} exec ${quote(process.execPath)} ${quote(BIN)} ${args.map(quote).join(' ')}`;
  const started = performance.now();
  tmux('new-window', '-d', '-t', 'bench', '-n', window, command);
  const times = [];
  try {
    while (times.length < milestones.length) {
      const screen = tmux('capture-pane', '-p', '-t', `bench:${window}`);
      const at = performance.now() - started;
      while (times.length < milestones.length && milestones[times.length](screen)) times.push(at);
      if (at > 10_000) throw new Error(`no wizard screen within 10 s; the terminal shows:\n${screen}`);
    }
    return times;
  } finally {
    tmux('kill-window', '-t', `bench:${window}`);
  }
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const round = (ms) => Math.round(ms);
const wizardScreen = (s) => s.includes('analytics-backfill ›');
const SCENARIOS = {
  // Nothing given: the first screen is the source step, its input ready for typing.
  noFlags: [[], { firstScreen: (s) => wizardScreen(s) && s.includes('enter open') }],
  // A folder given: the first screen (opening it), then the environment step listing what it holds.
  folder: [
    ['--gcs-bucket', bucket, '--warehouse', `duckdb:${join(dir, 'w.duckdb')}`],
    { firstScreen: wizardScreen, environmentsListed: (s) => /testing/.test(s) && /of \d+ selected/.test(s) },
  ],
};

try {
  const figures = { budgetMs: BUDGET_MS, runs: RUNS, terminal: '80x24' };
  let n = 0;
  for (const [name, [args, milestones]] of Object.entries(SCENARIOS)) {
    const checks = Object.values(milestones);
    timeTo(args, checks, `warm${n++}`); // warm the page cache (and Node's compile cache)
    const runs = Array.from({ length: RUNS }, () => timeTo(args, checks, `run${n++}`));
    Object.keys(milestones).forEach((milestone, i) => {
      const times = runs.map((r) => r[i]);
      figures[`${name}.${milestone}.medianMs`] = round(median(times));
      figures[`${name}.${milestone}.maxMs`] = round(Math.max(...times));
    });
  }
  figures.ok =
    figures['noFlags.firstScreen.medianMs'] < BUDGET_MS && figures['folder.firstScreen.medianMs'] < BUDGET_MS;
  console.log(JSON.stringify(figures));
  if (!figures.ok) process.exitCode = 1;
} finally {
  tmux('kill-server');
  rmSync(dir, { recursive: true, force: true });
}
