import { randomUUID } from 'node:crypto';
import type { BigQuery, Job, JobMetadata } from '@google-cloud/bigquery';
import { TransientError } from '../../core/errors.js';
import { retry } from '../../core/retry.js';
import { errorCode, errorText } from './bigquery-errors.js';

/** Runs one write job at most once, ever; see {@link createJobRunner}. */
export type RunOnce = (stem: string, sql: string, params: Record<string, string>) => Promise<'ran' | 'done-before'>;

/** The once-only job runner of a client whose jobs run in `location` (when given). */
export function createJobRunner(bq: BigQuery, location: string | undefined): { runOnce: RunOnce } {
  /** The job's metadata once it is done, succeeded or failed (the client's own polling). */
  async function settled(job: Job): Promise<JobMetadata> {
    try {
      const [md] = (await job.promise()) as [JobMetadata];
      return md;
    } catch (error) {
      // A failed job rejects; its metadata says how. Any other error is the caller's.
      const md = job.metadata as JobMetadata | undefined;
      if (md?.status?.state === 'DONE' && md.status.errorResult) return md;
      throw error;
    }
  }

  /** Creates job `id`, or finds it when the create call failed (created but failed, or taken). */
  async function createOrFind(id: string, nonce: string, config: object): Promise<JobMetadata> {
    try {
      return await retry(
        async () => {
          try {
            const [job] = await bq.createJob({
              jobId: id,
              ...(location ? { location } : {}),
              configuration: { labels: { abf_writer: nonce }, query: config },
            });
            return job.metadata?.status?.state === 'DONE' ? (job.metadata as JobMetadata) : await settled(job);
          } catch (insertError) {
            // Created but failed (the client throws on a finished job's errors), taken already (409;
            // the emulator says 400 "already created"), or never created (network, quota, 5xx).
            const resp = (insertError as { response?: JobMetadata }).response;
            if (resp?.jobReference?.jobId === id && resp.status?.state === 'DONE' && resp.status.errorResult)
              return resp;
            const found = await getJob(id);
            if (found === undefined) throw new NotCreated(insertError);
            return found;
          }
        },
        { attempts: 7, firstDelayMs: 1000, again: (e) => e instanceof NotCreated },
      );
    } catch (error) {
      if (error instanceof NotCreated)
        throw new TransientError(`BigQuery job ${id} could not be created: ${errorText(error.cause)}`);
      throw error;
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
    if (md.status?.state !== 'DONE') md = await settled(job);
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
    const config = { query: sql, useLegacySql: false, parameterMode: 'NAMED', queryParameters };
    let ownFailures = 0;
    try {
      return await retry(
        async (attempt) => {
          const id = `${stem}_a${attempt}`;
          const md = await createOrFind(id, nonce, config);
          const error = md.status?.errorResult;
          const mine = md.configuration?.labels?.abf_writer === nonce;
          if (!error) return mine ? 'ran' : 'done-before';
          // A failed attempt rolled back: the next id is tried (after a pause when it was ours).
          throw new AttemptFailed(id, `${error.reason ?? ''}: ${error.message ?? ''}`, mine, error.reason);
        },
        {
          attempts: 200,
          firstDelayMs: 1000,
          pause: (e) => e instanceof AttemptFailed && e.mine,
          // Our own attempts: a few more tries for conflicts and hiccups, none for a query that is wrong.
          again: (e) =>
            e instanceof AttemptFailed &&
            (!e.mine || (++ownFailures <= 3 && e.reason !== 'invalidQuery' && e.reason !== 'invalid')),
        },
      );
    } catch (error) {
      if (!(error instanceof AttemptFailed)) throw error;
      throw new TransientError(
        error.mine
          ? `BigQuery write ${error.id} failed: ${error.message}`
          : `BigQuery write ${stem}: too many failed attempts (last: ${error.message})`,
      );
    }
  }

  return { runOnce };
}

/** A job the create call did not make (it will be asked for again, same id). */
class NotCreated extends Error {
  constructor(override readonly cause: unknown) {
    super('not created');
  }
}

/** An attempt id whose job failed, by this writer (`mine`) or another. */
class AttemptFailed extends Error {
  constructor(
    readonly id: string,
    message: string,
    readonly mine: boolean,
    readonly reason: string | undefined,
  ) {
    super(message);
  }
}
