import { UsageError } from '../core/errors.js';
import type { CloudFactories } from './cloud-factories.js';
import type { CliIo } from './main.js';
import { missingFlags, type BackfillRequest } from './backfill-request.js';
import type { CliOptions } from './parse-args.js';
import { runNonInteractive } from './run-non-interactive.js';
import { requestFromOptions } from './backfill-request.js';

/** Placeholder until the wizard lands: complete flags run as with --yes. */
export async function runWizardFromCli(opts: CliOptions, deps: { cloud: CloudFactories; recordDir: string; io: CliIo }): Promise<number> {
  const missing = missingFlags(opts);
  if (missing.length > 0) throw new UsageError(`missing ${missing.join(', ')}`);
  const request: BackfillRequest = requestFromOptions(opts);
  return runNonInteractive(
    request,
    { cloud: deps.cloud, recordDir: deps.recordDir, dryRun: opts.dryRun },
    { stdout: deps.io.stdout, stderr: deps.io.stderr, interrupt: deps.io.interrupt, json: false },
  );
}
