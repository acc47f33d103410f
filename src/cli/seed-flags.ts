import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { UsageError } from '../core/errors.js';
import type { CliIo } from './cli-io.js';
import type { CliOptions } from './parse-args.js';

/**
 * The Beam script's flags that say how to reach Google Cloud rather than what to send:
 * `--local-sa-key KEY.json` becomes the key file of every client (as GOOGLE_APPLICATION_CREDENTIALS
 * would), checked before any work; `--execution-environment` is said, in one line, to change nothing.
 * Returns the environment the cloud clients are built from.
 */
export function cloudEnv(opts: CliOptions, io: Pick<CliIo, 'env' | 'stderr'>): NodeJS.ProcessEnv {
  if (opts.executionEnvironment !== undefined) {
    io.stderr.write(
      `analytics-backfill: --execution-environment ${opts.executionEnvironment} changes nothing here: the backfill runs on this machine and writes where --topic or --warehouse says.\n`,
    );
  }
  if (opts.keyFile === undefined) return io.env;
  const path = resolve(opts.keyFile);
  let key: unknown;
  try {
    key = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    const why = (error as NodeJS.ErrnoException).code ?? 'not JSON';
    throw new UsageError(
      `--local-sa-key: cannot read a key file at ${path} (${why})`,
      'Pass the JSON key of a service account.',
    );
  }
  if (typeof key !== 'object' || key === null || typeof (key as { type?: unknown }).type !== 'string') {
    throw new UsageError(
      `--local-sa-key: ${path} is not a service-account key (no "type")`,
      'Pass the JSON key of a service account.',
    );
  }
  return { ...io.env, GOOGLE_APPLICATION_CREDENTIALS: path };
}
