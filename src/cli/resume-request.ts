import { UserError } from '../core/errors.js';
import { readRunRecord, sentKeys, type ReadRecord } from '../engine/run-record.js';
import type { BackfillRequest } from './backfill-request.js';

/**
 * What `--resume RUN` repeats: the recorded request, less every file the run (and the runs it
 * resumed in turn) already sent.
 */
export function resumeRequest(run: string, recordDir: string): { request: BackfillRequest; exclude: Set<string>; resumes: string } {
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
    throw new UserError(`run record ${run} does not say what was requested`, 'Run the backfill again with its flags instead.', 2);
  }
  return { request, exclude: sentKeys(chain), resumes: first.header.runId };
}
