#!/usr/bin/env node
// The launcher: builds the process's streams and Ctrl-C handling, runs the CLI, exits with its code.
const controller = new AbortController();
process.on('SIGINT', () => {
  if (controller.signal.aborted) process.exit(130); // a second Ctrl-C quits at once
  controller.abort();
});
const { main } = await import('../dist/cli/main.js');
const code = await main(process.argv.slice(2), {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  interrupt: controller.signal,
});
process.exit(code);
