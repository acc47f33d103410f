import { UserError } from '../core/errors.js';
import { readRunRecord, sentKeys, type ReadRecord } from '../engine/run-record.js';
import { requestArgs, requestFromOptions, type BackfillRequest } from './backfill-request.js';
import { parseArgs } from './parse-args.js';

/**
 * What `--resume RUN` repeats: the recorded request, less every file the run (and the runs it
 * resumed in turn) already sent.
 */
export function resumeRequest(
  run: string,
  recordDir: string,
): { request: BackfillRequest; exclude: Set<string>; resumes: string } {
  const chain: ReadRecord[] = [];
  let next: string | undefined = run;
  while (next !== undefined && chain.length < 1000) {
    const record = readRunRecord(next, recordDir);
    chain.push(record);
    next = record.header.resumes;
  }
  const first = chain[0];
  const request = first?.header.request as BackfillRequest | undefined;
  if (!first || request === undefined || typeof request.bucket !== 'string') {
    throw new UserError(
      `run record ${run} does not say what was requested`,
      'Run the backfill again with its flags instead.',
      2,
    );
  }
  return { request: checked(request, run), exclude: sentKeys(chain), resumes: first.header.runId };
}

/** The recorded request, checked by the rules its flags would meet today (a record can be edited). */
function checked(request: BackfillRequest, run: string): BackfillRequest {
  try {
    return requestFromOptions(parseArgs(requestArgs(request), {}));
  } catch (error) {
    // A flag refused says which; anything else is a request whose fields have another shape (an
    // edited or damaged record): said as such, not as the TypeError it caused.
    const why = error instanceof UserError ? error.message : 'its fields are not the shape a run record holds';
    throw new UserError(
      `run record ${run} holds a request that is not valid: ${why}`,
      'Run the backfill again with its flags instead.',
      2,
    );
  }
}
