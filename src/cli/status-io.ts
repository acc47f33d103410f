import type { Writable } from 'node:stream';

/** What `status` writes to and reads from its process. */
export interface StatusIo {
  stdout: Writable & { isTTY?: boolean; columns?: number };
  stderr: Writable;
  env: NodeJS.ProcessEnv;
  interrupt: AbortSignal;
  now?: () => Date;
}
