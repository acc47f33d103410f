import type { Readable, Writable } from 'node:stream';
import type { CloudFactories } from '../ports/cloud.js';

/** The process around the CLI: streams, environment, and the Ctrl-C signal. `bin/` builds it. */
export interface CliIo {
  stdin: Readable & { isTTY?: boolean };
  stdout: Writable & { isTTY?: boolean };
  stderr: Writable;
  env: NodeJS.ProcessEnv;
  /** Aborts on the first Ctrl-C. */
  interrupt: AbortSignal;
  cloud?: CloudFactories;
}
