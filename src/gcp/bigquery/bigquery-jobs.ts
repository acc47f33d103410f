import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { BigQuery, Job, JobMetadata } from '@google-cloud/bigquery';
import { TransientError } from '../../core/errors.js';
import { errorCode, errorText } from './bigquery-errors.js';

/** Runs one write job at most once, ever; see {@link createJobRunner}. */
export type RunOnce = (stem: string, sql: string, params: Record<string, string>) => Promise<'ran' | 'done-before'>;

/** The once-only job runner of a client whose jobs run in `location` (when given). */
export function createJobRunner(bq: BigQuery, location: string | undefined): { runOnce: RunOnce } {
  async function waitDone(job: Job): Promise<JobMetadata> {
    for (let delay = 100; ; delay = Math.min(delay * 2, 2000)) {
      const [md] = await job.getMetadata();
      if (md.status?.state === 'DONE') return md;
      await sleep(delay);
    }
  }

  async function getJob(id: string): Promise<JobMetadata | undefined> {
    const job = bq.job(id, location ? { location } : {});
    let md: JobMetadata;
    try {
      [md] = await job.getMetadata();
    } catch (err) {
      if (errorCode(err) === 404) return undefined;
      throw err;
    }
    if (md.status?.state !== 'DONE') md = await waitDone(job);
    if (md.status?.errorResult) return md;
    // A second opinion on success: the job's results fail when the job did. (The emulator's
    // jobs.get reports every job as succeeded; BigQuery's results call agrees with its jobs.get.)
    try {
      await job.getQueryResults({ maxResults: 0, autoPaginate: false });
    } catch (err) {
      if (errorCode(err) === 404) return md;
      const first = (err as { errors?: { reason?: string; message?: string }[] }).errors?.[0];
      return {
        ...md,
        status: {
          ...md.status,
          state: 'DONE',
          errorResult: { reason: first?.reason ?? 'failed', message: first?.message ?? errorText(err) },
        },
      };
    }
    return md;
  }

  /**
   * Runs one write at most once, ever: the job ids `<stem>_a1`, `_a2`, … are tried in order;
   * an id that exists and succeeded means the write is done (by us or by someone else), one that
   * exists and failed (which rolled back) moves on to the next attempt id. Resolves with whether
   * this call's job did the write.
   */
  async function runOnce(stem: string, sql: string, params: Record<string, string>): Promise<'ran' | 'done-before'> {
    const nonce = randomUUID().replace(/-/g, '').slice(0, 24);
    const queryParameters = Object.entries(params).map(([name, value]) => ({
      name,
      parameterType: { type: 'STRING' },
      parameterValue: { value },
    }));
    let failures = 0;
    let lastError = '';
    for (let attempt = 1; attempt <= 200; attempt++) {
      const id = `${stem}_a${attempt}`;
      // Create first (the usual case: the id is new); look the id up only when that fails.
      let md: JobMetadata | undefined;
      try {
        const [job] = await bq.createJob({
          jobId: id,
          ...(location ? { location } : {}),
          configuration: {
            labels: { abf_writer: nonce },
            query: { query: sql, useLegacySql: false, parameterMode: 'NAMED', queryParameters },
          },
        });
        md = job.metadata?.status?.state === 'DONE' ? (job.metadata as JobMetadata) : await waitDone(job);
      } catch (insertError) {
        // Created but failed (the client throws on a finished job's errors), taken already (409;
        // the emulator says 400 "already created"), or never created.
        const resp = (insertError as { response?: JobMetadata }).response;
        md =
          resp?.jobReference?.jobId === id && resp.status?.state === 'DONE' && resp.status.errorResult
            ? resp
            : await getJob(id);
        if (md === undefined) {
          // The insert did not create the job (network, quota, 5xx): same id again, after a pause.
          if (++failures > 6)
            throw new TransientError(`BigQuery job ${id} could not be created: ${errorText(insertError)}`);
          await sleep(500 * 2 ** failures);
          attempt--;
          continue;
        }
      }
      const error = md.status?.errorResult;
      if (!error) return md.configuration?.labels?.abf_writer === nonce ? 'ran' : 'done-before';
      lastError = `${error.reason ?? ''}: ${error.message ?? ''}`;
      if (md.configuration?.labels?.abf_writer === nonce) {
        // Our own attempt failed and rolled back. A few more tries for conflicts and hiccups.
        if (++failures > 3 || error.reason === 'invalidQuery' || error.reason === 'invalid') {
          throw new TransientError(`BigQuery write ${id} failed: ${lastError}`);
        }
        await sleep(500 * 2 ** failures);
      }
    }
    throw new TransientError(`BigQuery write ${stem}: too many failed attempts (last: ${lastError})`);
  }

  return { runOnce };
}
