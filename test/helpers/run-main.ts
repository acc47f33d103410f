import { PassThrough, Readable, Writable } from 'node:stream';
import { main } from '../../src/cli/main.js';
import type { CloudFactories } from '../../src/ports/cloud.js';
import type { CliResult } from './run-cli.js';

/**
 * Runs the CLI in this process through `main(argv, io)`, as `bin/` does but without a child
 * process: for flows that need no signal, no terminal and no working folder of their own. stdin is
 * not a terminal and stdout a pipe, as under a script.
 */
export async function runMain(
  args: readonly string[],
  env: NodeJS.ProcessEnv = {},
  cloud?: CloudFactories,
): Promise<CliResult> {
  const out = capture();
  const err = capture();
  const code = await main(args, {
    stdin: Readable.from([]),
    stdout: out.stream,
    stderr: err.stream,
    env: { ...process.env, ...env },
    interrupt: new AbortController().signal,
    cloud,
  });
  return { code, stdout: out.text(), stderr: err.text() };
}

function capture(): { stream: Writable; text: () => string } {
  const chunks: Buffer[] = [];
  const stream = new PassThrough();
  stream.on('data', (c: Buffer) => chunks.push(c));
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}
