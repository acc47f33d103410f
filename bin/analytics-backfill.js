#!/usr/bin/env node
// The launcher: builds the process's streams and Ctrl-C handling, runs the CLI, exits with its code.
//
// It runs on Node 20 and later (events are parsed exactly on each: src/core/columns/json-exact.ts). Where
// Node can replace its own process (`process.execve`: Node 22.15 and later, not on Windows) it starts
// again, same process id, with these settings, which a shebang cannot pass without `env -S`
// (missing from BusyBox, as in Alpine images); elsewhere it runs without them, using more memory:
// --max-semi-space-size=4: Node sizes the young generation from the machine's memory (up to ~100 MiB
// on large hosts); the parser's garbage is short-lived, so a small one bounds peak RSS (4 MiB
// halves: the 240 MiB file of 2 KB attributes peaked at 250-253 MiB instead of ~265 with 8, at about
// the same speed). --max-old-space-size=512: V8 lets the old generation grow to 4x what survived its
// last collection when the heap may grow to gigabytes, but to less than 2x under a cap below 1 GiB:
// a cap of 512 MiB (far above what a run keeps alive, ~20-60 MiB) took 100,000 files from ~410 to
// ~360 MiB peak at the same speed. MALLOC_ARENA_MAX=1: DuckDB allocates on its worker thread and on
// libuv's threads, and glibc gave each thread an arena of its own that kept freed memory: one arena
// took 100,000 one-event files from 247 to 234 MiB, `status` over them from 252 to 241.
import { writeSync } from 'node:fs';
import module from 'node:module';
import { fileURLToPath } from 'node:url';

const TUNING = ['--max-semi-space-size=4', '--max-old-space-size=512'];
const args = process.argv.slice(2);

if (Number(process.versions.node.split('.')[0]) < 20) {
  process.stderr.write(`analytics-backfill: needs Node.js 20 or later (this is ${process.version}).\n`);
  process.exit(1);
}

const { launchHints } = await import('../dist/cli/launch-hints.js');
const hints = launchHints(args);

// A setting the operator gave (on node's command line or in NODE_OPTIONS) is theirs: only the others
// are added, so `NODE_OPTIONS=--max-old-space-size=2048` still raises the heap. After the restart
// every flag is given, so it happens once.
const flagName = (flag) => flag.split('=')[0].replace(/_/g, '-');
const given = new Set([...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)].map(flagName));
const tuning = TUNING.filter((flag) => !given.has(flagName(flag)));
if (
  typeof process.execve === 'function' &&
  !hints.printsOnly &&
  (tuning.length > 0 || process.env.MALLOC_ARENA_MAX === undefined)
) {
  process.execve(
    process.execPath,
    [process.execPath, ...process.execArgv, ...tuning, fileURLToPath(import.meta.url), ...args],
    {
      ...process.env,
      MALLOC_ARENA_MAX: process.env.MALLOC_ARENA_MAX ?? '1',
    },
  );
}

// Later starts skip compiling the same JavaScript (first screen < 400 ms, Node 22 and later); a dry
// run writes nothing, not even this cache.
if (!hints.dryRun) module.enableCompileCache?.();
// Google's auth library warns (MetadataLookupWarning) while it looks for credentials off Google
// Cloud; the CLI says itself what could not be reached. Other warnings stay, one line each.
process.removeAllListeners('warning');
process.on('warning', (w) => {
  if (w.name !== 'MetadataLookupWarning')
    process.stderr.write(`analytics-backfill: ${w.name}: ${w.message.split('\n')[0]}\n`);
});
const controller = new AbortController();
// Ends the process as Ctrl-C does (the shell sees 130), at once: no exit handlers, no teardown of
// the DuckDB worker thread, whose native call in flight aborted the process ("terminate called
// after throwing an instance of 'Napi::Error'") when process.exit() tore it down. What is half
// written is rolled back on the next open, as after a kill.
// SIGTERM and SIGHUP (what `timeout`, systemd, Kubernetes and a closed terminal send) stop a run as
// Ctrl-C does, and the process then ends by the same signal (the shell sees 143 or 129).
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'];
let stoppedBy = 'SIGINT';
const dieOfSignal = () => {
  for (const s of SIGNALS) process.removeAllListeners(s);
  process.kill(process.pid, stoppedBy);
};
// A second signal quits at once, after the CLI's last words (the run and its resume command).
const lastWords = [];
function interrupt(signal) {
  if (controller.signal.aborted) {
    for (const say of lastWords) {
      try {
        const text = say();
        if (text) writeSync(2, text);
      } catch {
        // quitting regardless
      }
    }
    dieOfSignal();
  }
  if (typeof signal === 'string') stoppedBy = signal;
  controller.abort(stoppedBy);
}
for (const s of SIGNALS) process.on(s, interrupt);
// A reader that goes away (`| head`) closes stdout: the run stops as on Ctrl-C, says so on stderr,
// and the process ends with 141 (as a shell reports a program killed by SIGPIPE). Writes to a
// terminal that is gone (SIGHUP) fail the same way and are dropped.
let stdoutGone = false;
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (stream === process.stdout && !stdoutGone) {
      stdoutGone = true;
      if (!controller.signal.aborted) controller.abort('EPIPE');
    }
    if (error.code !== 'EPIPE' && error.code !== 'EIO') throw error;
  });
}
// In a terminal the wizard is likely: start loading Ink now, so its WebAssembly layout engine
// compiles in the background while the CLI parses its flags. main() decides; this only warms up.
if (process.stdin.isTTY && process.stdout.isTTY && hints.mayOpenWizard) {
  import('../dist/ui/wizard-bundle.js').catch(() => {});
}
const { main } = await import('../dist/cli/main.js');
const code = await main(args, {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  interrupt: controller.signal,
  lastWords: (say) => lastWords.push(say),
  loadWizard: () => import('../dist/ui/wizard-bundle.js'),
});
// Exit only once what was written has left: to a pipe, Node writes asynchronously, and exiting
// at once cut a `--json` report piped to another program at 64 KiB.
await Promise.all(
  [process.stdout, process.stderr].map((stream) => new Promise((resolve) => stream.write('', resolve))),
);
if (code === 130 && controller.signal.reason === 'EPIPE') process.exit(141);
else if (code === 130) dieOfSignal();
else process.exit(code);
