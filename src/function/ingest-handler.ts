/**
 * The ingest function's work, as a factory that touches no globals: given how to open a bucket, a
 * warehouse, the configuration and a logger, it returns the CloudEvent handler. `index.ts` wires
 * it to real clients; tests call it in-process.
 *
 * Outcomes, as the trigger sees them:
 * - resolves: the file landed, was already in the ledger, or was refused for good (a bucket or
 *   prefix outside the allowed ones, not an event file, the object gone). Refusals get a row in
 *   the logs table. The message is acknowledged.
 * - throws: anything else (BigQuery or GCS unavailable, rate limits, a crash half-way). Nothing of
 *   the file was written (the warehouse writes whole or not at all), so the trigger's retry starts
 *   it again from scratch; the retry policy and the dead-letter topic bound the attempts.
 */

import { PermanentFileError, TransientError } from '../core/errors.js';
import { partitionOf } from '../core/layout/partition-layout.js';
import { ingestFile, type IngestFileOptions, type IngestFileResult } from '../engine/ingest-file.js';
import type { Source } from '../ports/source.js';
import { ledgerKey, type Warehouse } from '../ports/warehouse.js';
import { decodeTrigger, UnrecognisedTrigger, type FileTrigger, type TriggerEvent } from './decode-trigger.js';
import { findInChain, isCorruptData, isMissingTable } from './error-chain.js';
import { refusal, type FunctionConfig } from './function-config.js';
import { guardedSource } from './guarded-source.js';
import { RecentFiles } from './recent-files.js';
import { recordRefusal } from './refusal-record.js';
import { createLogger, errorFields, type Logger } from './structured-logger.js';

export { isNotFound } from './error-chain.js';
export { REFUSAL_KEY_SUFFIX, REFUSED_EVENT } from './refusal-record.js';

export interface IngestHandlerDeps {
  /** The source for one bucket (a GCS source in production; a folder in tests). Called once per bucket. */
  openSource(bucket: string): Source | Promise<Source>;
  warehouse: Warehouse;
  config: Pick<FunctionConfig, 'allowedBuckets' | 'allowedPrefixes' | 'jobName'>;
  log?: Logger;
  /** The per-file work; default the shared {@link ingestFile}. */
  ingest?: (opts: IngestFileOptions) => Promise<IngestFileResult>;
  now?: () => Date;
}

export type HandleOutcome =
  | { status: 'ingested'; filePath: string; generation: string; events: number; debug: number }
  | { status: 'already-ingested'; filePath: string; generation: string }
  | { status: 'refused'; filePath: string; generation: string | undefined; reason: string }
  | { status: 'ignored'; reason: string };

export type IngestHandler = (event: TriggerEvent) => Promise<HandleOutcome>;

/**
 * From this size on, the ledger (and staging) is asked before a file is read: one query bills at
 * least 10 MB ($6.25/TiB: $0.00006), less than reading and staging 4 MiB again (Write API
 * $0.025/GiB: $0.0001, and ~1 s of the function). Smaller files are read; a redelivery stages them
 * again and the promotion lands them once. A file this instance handled is never read again.
 */
export const LEDGER_CHECK_BYTES = 4 * 1024 * 1024;

export function createIngestHandler(deps: IngestHandlerDeps): IngestHandler {
  const log = deps.log ?? createLogger();
  const ingest = deps.ingest ?? ingestFile;
  const now = deps.now ?? (() => new Date());
  const { warehouse, config } = deps;
  const sources = new Map<string, Promise<Source>>();
  /** Files this instance is working on now: a concurrent duplicate waits for the same work. */
  const inFlight = new Map<string, Promise<HandleOutcome>>();
  let tables: Promise<void> | undefined;
  const recent = new RecentFiles();

  /** Datasets and tables, created once per instance; a failure is retried by the next call. */
  const ensureTables = (): Promise<void> => {
    tables ??= warehouse.ensureTables().catch((error: unknown) => {
      tables = undefined;
      throw error;
    });
    return tables;
  };

  const sourceFor = (bucket: string): Promise<Source> => {
    let s = sources.get(bucket);
    if (!s) {
      s = Promise.resolve(deps.openSource(bucket));
      s.catch(() => sources.delete(bucket));
      sources.set(bucket, s);
    }
    return s;
  };

  /** Writes the refusal to the logs table (unless the file already landed) and resolves. */
  async function refuse(
    trigger: FileTrigger,
    filePath: string,
    generation: string | undefined,
    reason: string,
    flog: Logger,
  ): Promise<HandleOutcome> {
    await ensureTables();
    const outcome = await recordRefusal(warehouse, {
      trigger,
      filePath,
      generation,
      reason,
      jobName: config.jobName,
      now: now(),
    });
    flog.warning(`file refused, not retried: ${reason}`, {
      outcome: 'refused',
      reason,
      ...(outcome === 'already-ingested' ? { note: 'refusal already recorded' } : {}),
    });
    return { status: 'refused', filePath, generation, reason };
  }

  /** Whether the ledger has the file, or staging a complete copy of it (one query each at most). */
  async function landedOrStaged(file: { filePath: string; generation: string }): Promise<boolean> {
    if ((await warehouse.ingested([file])).size > 0) return true;
    return ((await warehouse.staged?.([file]))?.size ?? 0) > 0;
  }

  /** The live generation of an object, for triggers that name none; undefined when it is gone. */
  async function liveGeneration(source: Source, name: string): Promise<string | undefined> {
    for await (const o of source.list(name)) if (o.name === name) return o.generation;
    return undefined;
  }

  async function work(trigger: FileTrigger, flog: Logger): Promise<HandleOutcome> {
    const { bucket, name } = trigger;
    const gsPath = `gs://${bucket}/${name}`;
    const refused = refusal(config, bucket, name);
    if (refused) return refuse(trigger, gsPath, trigger.generation, refused, flog);
    if (name.endsWith('/') || partitionOf(name) === undefined) {
      return refuse(
        trigger,
        gsPath,
        trigger.generation,
        'not an event file: the name is not inside a data_type=…/event_time=… folder',
        flog,
      );
    }
    const source = await sourceFor(bucket);
    const filePath = source.filePath(name);
    let generation = trigger.generation;
    if (generation !== undefined && source.isGeneration?.(generation) === false) {
      const reason = `generation "${generation.slice(0, 40)}" is not one ${source.url} gives its objects`;
      flog.error(`notification refused, acknowledged without work: ${reason}`, { outcome: 'refused' });
      return { status: 'refused', filePath, generation: undefined, reason };
    }
    if (generation === undefined) {
      generation = await liveGeneration(source, name);
      if (generation === undefined) return refuse(trigger, filePath, undefined, 'object not found', flog);
      flog.info('resolved the live generation of a message without one', { generation });
    }
    const key = ledgerKey({ filePath, generation });
    const running = inFlight.get(key);
    if (running) {
      flog.info('the same file is being ingested by this instance; waiting for it');
      const r = await running;
      flog.info('concurrent duplicate delivery: the other invocation handled the file', {
        outcome: `duplicate-${r.status}`,
      });
      return r;
    }
    const gen = generation;
    const job = (async (): Promise<HandleOutcome> => {
      if (recent.has(key)) {
        flog.info('file handled by this instance already; acknowledged unread', { outcome: 'already-ingested' });
        return { status: 'already-ingested', filePath, generation: gen };
      }
      await ensureTables();
      if ((trigger.size ?? 0) >= LEDGER_CHECK_BYTES && (await landedOrStaged({ filePath, generation: gen }))) {
        recent.add(key);
        flog.info('file already landed or staged; acknowledged unread', { outcome: 'already-ingested' });
        return { status: 'already-ingested', filePath, generation: gen };
      }
      const started = performance.now();
      // Whether the file lands is known at the end (the ledger decides): the start says only that it is read.
      flog.info('reading file', { generation: gen });
      try {
        const result = await ingest({
          source: guardedSource(source, name, gen),
          warehouse,
          name,
          generation: gen,
          jobName: config.jobName,
          now,
        });
        const seconds = +((performance.now() - started) / 1000).toFixed(3);
        recent.add(key);
        if (result.outcome === 'already-ingested') {
          flog.info('file already ingested; nothing written', { generation: gen, outcome: result.outcome, seconds });
          return { status: 'already-ingested', filePath, generation: gen };
        }
        flog.info(result.outcome === 'staged' ? 'file staged; it lands with the next promotion' : 'file ingested', {
          generation: gen,
          outcome: result.outcome,
          events: result.events,
          debug_rows: result.debug,
          seconds,
        });
        return { status: 'ingested', filePath, generation: gen, events: result.events, debug: result.debug };
      } catch (error) {
        const permanent = findInChain(error, PermanentFileError);
        if (permanent) return refuse(trigger, filePath, gen, permanent.message, flog);
        if (isCorruptData(error))
          return refuse(trigger, filePath, gen, `unreadable content (${(error as Error).message})`, flog);
        if (isMissingTable(error)) tables = undefined; // recreate on the retry
        throw error;
      }
    })();
    inFlight.set(key, job);
    try {
      return await job;
    } finally {
      inFlight.delete(key);
    }
  }

  /** Failures already logged as ERROR (one attempt's failure reaches every delivery waiting on it). */
  const logged = new WeakSet<object>();

  return async function handle(event: TriggerEvent): Promise<HandleOutcome> {
    let trigger;
    try {
      trigger = decodeTrigger(event);
    } catch (error) {
      if (!(error instanceof UnrecognisedTrigger)) throw error;
      log.error(`unrecognised event acknowledged without work: ${error.message}`, {
        event_id: event?.id,
        event_type: event?.type,
        outcome: 'unrecognised',
      });
      return { status: 'ignored', reason: error.message };
    }
    if (trigger.kind === 'ignore') {
      log.info(`event ignored: ${trigger.reason}`, { message_id: trigger.messageId, outcome: 'ignored' });
      return { status: 'ignored', reason: trigger.reason };
    }
    const flog = log.child({
      file: `gs://${trigger.bucket}/${trigger.name}`,
      ...(trigger.generation ? { generation: trigger.generation } : {}),
      trigger: trigger.shape,
      ...(trigger.messageId ? { message_id: trigger.messageId } : {}),
      ...(trigger.backfillRunId ? { backfill_run_id: trigger.backfillRunId } : {}),
    });
    try {
      return await work(trigger, flog);
    } catch (error) {
      const transient = findInChain(error, TransientError) !== undefined;
      // Concurrent deliveries of one file share its one attempt: its failure is logged once as
      // ERROR; the other deliveries say they are retried with it.
      if (error instanceof Object && logged.has(error)) {
        flog.warning('a concurrent delivery of this file failed (logged above as ERROR); this one is retried too', {
          outcome: 'retry',
          transient,
        });
        throw error;
      }
      if (error instanceof Object) logged.add(error);
      flog.error(`ingest failed; the trigger will retry: ${error instanceof Error ? error.message : String(error)}`, {
        outcome: 'retry',
        transient,
        ...errorFields(error),
      });
      throw error;
    }
  };
}
