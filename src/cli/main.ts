import { readFileSync } from 'node:fs';
import type { Writable } from 'node:stream';
import { BugError, UsageError, UserError } from '../core/errors.js';
import { printable } from '../core/present/format.js';
import { defaultRecordDir } from '../engine/run-record.js';
import { defaultCloudFactories } from '../app/default-cloud.js';
import { HELP_TEXT, STATUS_HELP_TEXT } from './help-text.js';
import { cloudEnv } from './seed-flags.js';
import { parseArgs } from './parse-args.js';
import type { CliIo } from './cli-io.js';

export type { CliIo };

/**
 * The top-level handler: runs the CLI and turns every outcome into an exit code and, on failure,
 * one line on stderr. Never calls `process.exit` itself.
 */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    return await dispatch(argv, io);
  } catch (error) {
    io.stderr.write(`${errorLine(error)}\n`);
    if (error instanceof UserError) return error.exitCode;
    if (io.interrupt.aborted) return 130;
    return 1;
  }
}

async function dispatch(argv: readonly string[], io: CliIo): Promise<number> {
  if (argv[0] === 'status') {
    // Reads only: no --yes needed, nothing written (the DuckDB file opens read-only, no record).
    const opts = parseArgs(argv.slice(1), io.env);
    if (opts.help) {
      io.stdout.write(STATUS_HELP_TEXT);
      return 0;
    }
    if (opts.follow) throw new UsageError('--follow goes with a --topic backfill; status redraws with --watch');
    const { runStatus } = await import('./run-status.js');
    const cloud = io.cloud ?? defaultCloudFactories(cloudEnv(opts, io));
    return runStatus(opts, { cloud, recordDir: opts.recordDir ?? defaultRecordDir(io.env), io });
  }
  const opts = parseArgs(argv, io.env);
  if (opts.help) {
    io.stdout.write(HELP_TEXT);
    return 0;
  }
  if (opts.version) {
    io.stdout.write(`${packageVersion()}\n`);
    return 0;
  }
  if (opts.watch) throw new UsageError('--watch belongs to status: analytics-backfill status --watch …');
  if (opts.follow && opts.topic === undefined && opts.resume === undefined)
    throw new UsageError(
      '--follow watches the files a --topic backfill published until they land',
      'Add --topic, or drop --follow: a direct run lands its files before it ends.',
    );
  const cloud = io.cloud ?? defaultCloudFactories(cloudEnv(opts, io));
  const recordDir = opts.recordDir ?? defaultRecordDir(io.env);
  const interactive = io.stdin.isTTY === true && io.stdout.isTTY === true && !opts.yes && !opts.json;

  // Never act without a yes: with no terminal to ask in (a pipe, a script, --json), or to resume,
  // nothing is written or published unless --yes says so; a dry run only reads.
  if (!opts.yes && !opts.dryRun && (!interactive || opts.resume !== undefined)) {
    throw new UsageError(
      opts.resume !== undefined
        ? '--resume writes without asking: it needs --yes'
        : 'no terminal to ask in (stdin or stdout is not a terminal, or --json): nothing is written or published without --yes',
      'Pass --yes to run, or --dry-run to preview.',
    );
  }
  if (interactive && opts.resume === undefined) {
    const { runWizardFromCli } = await import('./run-wizard-from-cli.js');
    return runWizardFromCli(opts, { cloud, recordDir, io });
  }
  // The non-interactive path is loaded only when taken, keeping the wizard's first screen quick.
  const { runNonInteractive } = await import('./run-non-interactive.js');
  if (opts.resume !== undefined) {
    const { resumeRequest } = await import('./resume-request.js');
    const { request, exclude, resumes } = resumeRequest(opts.resume, recordDir);
    return runNonInteractive(
      request,
      { cloud, recordDir, dryRun: opts.dryRun, exclude, resumes, ...waitOf(io.env) },
      {
        stdout: io.stdout,
        stderr: io.stderr,
        interrupt: io.interrupt,
        ...(io.lastWords ? { lastWords: io.lastWords } : {}),
        json: opts.json,
        live: isTty(io.stderr),
        limits: { maxFiles: opts.maxFiles, maxBytes: opts.maxBytes },
        ...(opts.follow ? { follow: opts.follow } : {}),
      },
    );
  }
  const { requestFromOptions } = await import('./backfill-request.js');
  const request = requestFromOptions(opts);
  return runNonInteractive(
    request,
    { cloud, recordDir, dryRun: opts.dryRun, ...waitOf(io.env) },
    {
      stdout: io.stdout,
      stderr: io.stderr,
      interrupt: io.interrupt,
      ...(io.lastWords ? { lastWords: io.lastWords } : {}),
      json: opts.json,
      live: isTty(io.stderr),
      limits: { maxFiles: opts.maxFiles, maxBytes: opts.maxBytes },
      ...(opts.follow ? { follow: opts.follow } : {}),
    },
  );
}

/** ANALYTICS_BACKFILL_WAIT_SECONDS: how long a run's final promotion waits for BigQuery to come back. */
function waitOf(env: NodeJS.ProcessEnv): { waitMs?: number } {
  const seconds = Number(env.ANALYTICS_BACKFILL_WAIT_SECONDS);
  return env.ANALYTICS_BACKFILL_WAIT_SECONDS !== undefined && Number.isFinite(seconds) && seconds >= 0
    ? { waitMs: seconds * 1000 }
    : {};
}

const isTty = (stream: Writable) => (stream as { isTTY?: boolean }).isTTY === true;

/** One line for stderr: what went wrong and, for the operator's errors, what to do next. */
export function errorLine(error: unknown): string {
  return `analytics-backfill: ${printable(errorText(error))}`;
}

function errorText(error: unknown): string {
  if (error instanceof UserError) return `${error.message}${error.hint ? `. ${error.hint}` : ''}`;
  if (error instanceof BugError) return `internal error (a bug, please report it): ${error.message}`;
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0] ?? message;
}

function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}
