import { UsageError } from '../core/errors.js';
import type { CliOptions } from './parse-args.js';
import type { BackfillRequest } from '../app/backfill-request.js';
import { defaultWarehouse } from '../app/open-ports.js';

export type { BackfillRequest };

/** The flags a non-interactive run still lacks, by name; empty when the request is complete. */
export function missingFlags(opts: CliOptions): string[] {
  const missing: string[] = [];
  if (opts.bucket === undefined) missing.push('--gcs-bucket');
  if (opts.environments === undefined) missing.push('--analytics-environment');
  if (opts.categories === undefined) missing.push('--event-category');
  if (opts.start === undefined) missing.push('--event-ds-start');
  if (opts.stop === undefined) missing.push('--event-ds-stop');
  return missing;
}

/** Builds the request from complete flags; throws a usage error listing what is missing. */
export function requestFromOptions(opts: CliOptions): BackfillRequest {
  const missing = missingFlags(opts);
  if (
    missing.length > 0 ||
    opts.bucket === undefined ||
    opts.environments === undefined ||
    opts.categories === undefined ||
    opts.start === undefined ||
    opts.stop === undefined
  ) {
    throw new UsageError(
      `missing ${missing.join(', ')}`,
      'Pass them, or run in a terminal without --yes/--json to choose them in the wizard.',
    );
  }
  return {
    bucket: opts.bucket,
    project: opts.project,
    topic: opts.topic,
    warehouse: opts.warehouse ?? defaultWarehouse(opts.bucket),
    selection: {
      dataType: opts.dataType,
      environments: opts.environments,
      categories: opts.categories,
      start: opts.start,
      stop: opts.stop,
      times: opts.times ?? 'all',
      ...(opts.cells !== undefined ? { cells: opts.cells } : {}),
    },
    reprocess: opts.reprocess,
    jobName: opts.jobName,
  };
}

const list = (v: 'all' | readonly string[]) => (v === 'all' ? 'all' : v.join(','));
const shellQuote = (s: string) => (/^[A-Za-z0-9_./:=,@%+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

/** The same backfill as one non-interactive command line, for scripts. */
export function commandLine(req: BackfillRequest): string {
  return ['npx', 'analytics-backfill', ...requestArgs(req)].map(shellQuote).join(' ');
}

/** The flags that ask for this backfill (with `--yes`). */
export function requestArgs(req: BackfillRequest): string[] {
  const args = ['--gcs-bucket', req.bucket];
  if (req.topic !== undefined) args.push('--topic', req.topic);
  if (req.project !== undefined) args.push('--gcp', req.project);
  args.push('--warehouse', req.warehouse);
  const s = req.selection;
  if (s.cells !== undefined) args.push('--cells', s.cells.join(','), '--event-category', list(s.categories));
  else {
    args.push('--analytics-environment', list(s.environments));
    args.push('--event-category', list(s.categories));
    args.push('--event-ds-start', s.start, '--event-ds-stop', s.stop);
    args.push('--event-time', list(s.times));
  }
  if (req.selection.dataType !== 'json') args.push('--data-type', req.selection.dataType);
  if (req.reprocess) args.push('--reprocess');
  if (req.jobName !== undefined) args.push('--job-name', req.jobName);
  args.push('--yes');
  return args;
}

/** The command that finishes an interrupted or partly failed run. */
export function resumeCommand(runId: string, recordDir: string): string {
  return ['npx', 'analytics-backfill', '--resume', runId, '--record-dir', recordDir, '--yes'].map(shellQuote).join(' ');
}
