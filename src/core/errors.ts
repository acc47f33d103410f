/**
 * A problem the operator can fix: bad flags, a missing folder, no credentials.
 * `hint` says what to do next. The top-level handler prints it on one line and exits with `exitCode`.
 */
export class UserError extends Error {
  override readonly name = 'UserError';
  constructor(
    message: string,
    readonly hint?: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

/** A usage error (bad or missing flag): exit code 2, like other command-line tools. */
export class UsageError extends UserError {
  constructor(message: string, hint = 'Run with --help to see the flags.') {
    super(message, hint, 2);
  }
}

/** Something that should never happen: a bug in this program. */
export class BugError extends Error {
  override readonly name = 'BugError';
}

/** A transient failure (service unavailable, rate limited): the caller may retry. */
export class TransientError extends Error {
  override readonly name = 'TransientError';
}

/** A permanent failure for one file (object gone, outside the allowed prefix): log it, never retry. */
export class PermanentFileError extends Error {
  override readonly name = 'PermanentFileError';
}
