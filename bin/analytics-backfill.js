#!/usr/bin/env -S MALLOC_ARENA_MAX=1 node --max-semi-space-size=4 --max-old-space-size=512
// The launcher: builds the process's streams and Ctrl-C handling, runs the CLI, exits with its code.
// The flags: Node sizes the young generation from the machine's memory (up to ~100 MiB on large
// hosts); the parser's garbage is short-lived, so a small one bounds peak RSS (4 MiB halves: the
// 240 MiB file of 2 KB attributes peaked at 250-253 MiB instead of ~265 with 8, at about the same speed).
// And V8 lets the old generation grow to 4x what survived its last collection when the heap may
// grow to gigabytes, but to less than 2x under a cap below 1 GiB: a cap of 512 MiB (far above what
// a run keeps alive, ~20-60 MiB) took 100,000 files from ~410 to ~360 MiB peak at the same speed.
// MALLOC_ARENA_MAX=1: DuckDB allocates on its worker thread and on libuv's threads, and glibc gave
// each thread an arena of its own that kept freed memory: one arena took 100,000 one-event files
// from 247 to 234 MiB, `status` over them from 252 to 241, the 240 MiB file of 2 KB attributes from
// 240 to 227 and the 256 MiB file from 225-262 to 216-250, at the same speed.
import module from 'node:module';

// Node 22 is the least that parses events exactly (JSON.rawJSON); on an older Node every event would
// become a debug row. Started by one (`npm link`, or the path to this file, on a machine's Node 20),
// it runs itself again on the Node 24 the project installs (the `node` devDependency), or refuses.
if (Number(process.versions.node.split('.')[0]) < 22) {
  const { existsSync } = await import('node:fs');
  const { spawn } = await import('node:child_process');
  const { fileURLToPath } = await import('node:url');
  const own = fileURLToPath(new URL('../node_modules/node/bin/node', import.meta.url));
  if (!existsSync(own)) {
    process.stderr.write(
      `analytics-backfill: needs Node.js 22 or later (this is ${process.version}). Run it with npx, or install a newer Node.\n`,
    );
    process.exit(1);
  }
  const child = spawn(
    own,
    ['--max-semi-space-size=4', '--max-old-space-size=512', fileURLToPath(import.meta.url), ...process.argv.slice(2)],
    {
      // The IPC channel tells the child when this process is gone (killed with -9): it stops too.
      stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
      env: { ...process.env, MALLOC_ARENA_MAX: '1' },
    },
  );
  // Ctrl-C reaches the child from the terminal; this process only waits for it and passes on its code.
  process.on('SIGINT', () => {});
  process.on('SIGTERM', () => child.kill('SIGTERM'));
  child.on('exit', (code, signal) => process.exit(code ?? (signal === 'SIGINT' ? 130 : 1)));
  await new Promise(() => {});
}

// Started by the launcher above: when it dies without passing a signal on (kill -9), stop as it did.
if (process.channel) {
  process.channel.unref();
  process.on('disconnect', () => process.kill(process.pid, 'SIGKILL'));
}

// Later starts skip compiling the same JavaScript (first screen < 400 ms); a dry run writes nothing,
// not even this cache.
const dryRun = process.argv.slice(2).some((a) => a === '--dry-run' || /^-[A-Za-z]*n[A-Za-z]*$/.test(a));
if (!dryRun) module.enableCompileCache?.();
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
const dieOfSigint = () => {
  process.removeAllListeners('SIGINT');
  process.kill(process.pid, 'SIGINT');
};
process.on('SIGINT', () => {
  if (controller.signal.aborted) dieOfSigint(); // a second Ctrl-C quits at once
  controller.abort();
});
// In a terminal the wizard is likely: start loading Ink now, so its WebAssembly layout engine
// compiles in the background while the CLI parses its flags. main() decides; this only warms up.
const quiet = ['--yes', '-y', '--json', '--help', '-h', '--version', '-V', '--resume'];
if (process.stdin.isTTY && process.stdout.isTTY && !process.argv.some((a) => quiet.includes(a))) {
  import('../dist/ui/load-wizard.js').then((m) => m.loadWizard()).catch(() => {});
}
const { main } = await import('../dist/cli/main.js');
const code = await main(process.argv.slice(2), {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  interrupt: controller.signal,
});
// Exit only once what was written has left: to a pipe, Node writes asynchronously, and exiting
// at once cut a `--json` report piped to another program at 64 KiB.
await Promise.all(
  [process.stdout, process.stderr].map((stream) => new Promise((resolve) => stream.write('', resolve))),
);
if (code === 130) dieOfSigint();
else process.exit(code);
