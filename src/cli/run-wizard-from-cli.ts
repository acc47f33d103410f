import { duckDbFile, parseWarehouseSpec, warehouseSpecText } from '../core/schema/warehouse-spec.js';
import { RESUME_INTRO } from '../engine/run-outcome.js';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Source } from '../ports/source.js';
import type { WizardChoices, WizardDeps, WizardResult } from '../ui/run-wizard.js';
import { commandLine, resumeCommand, type BackfillRequest } from './backfill-request.js';
import { openSession, type BackfillSession } from '../app/backfill-session.js';
import { openCoverageSession } from '../app/coverage-session.js';
import type { CloudFactories } from '../ports/cloud.js';
import type { CliIo } from './cli-io.js';
import { defaultWarehouse, openSource } from '../app/open-ports.js';
import { reachingSource } from '../app/reach.js';
import type { CliOptions } from './parse-args.js';
import { lastRunBucket, lastRunRequest } from '../engine/run-record.js';
import { requestOfChoices, wizardInputOf } from './wizard-request.js';
import { previewForecast } from './preview-forecast.js';
import { DEFAULT_FOLLOW, followArgs } from './follow-flags.js';
import { followPublished, PublishedFiles } from './follow-run.js';

/**
 * The interactive path: the wizard gathers what the flags left out, then plans and runs through the
 * same session as `--yes`. Ink and React are loaded only here.
 */
export async function runWizardFromCli(
  opts: CliOptions,
  deps: { cloud: CloudFactories; recordDir: string; io: CliIo },
): Promise<number> {
  const { io, cloud, recordDir } = deps;
  const { runWizard, exitCodeOf } = await (io.loadWizard ?? (() => import('../ui/run-wizard.js')))();
  const requestOf = (c: WizardChoices): BackfillRequest => requestOfChoices(c, opts);

  // A session is bound to one request: a preview of new choices closes the last one and opens its own.
  let current: { key: string; session: BackfillSession } | undefined;
  const sessionFor = async (c: WizardChoices, source: Source | undefined) => {
    const key = JSON.stringify(c);
    if (current?.key === key) return current.session;
    await current?.session.close();
    current = undefined;
    const session = await openSession(requestOf(c), {
      cloud,
      recordDir,
      dryRun: opts.dryRun,
      releaseBetween: true,
      source,
    });
    current = { key, session };
    return session;
  };

  // A bucket from ANALYTICS_BACKFILL_BUCKET (not the flag) only prefills the source step.
  const fromEnv = opts.bucket !== undefined && opts.bucket === io.env.ANALYTICS_BACKFILL_BUCKET;
  const last = lastRunBucket(recordDir);
  const suggested =
    fromEnv && opts.bucket !== undefined
      ? { bucket: opts.bucket, from: 'ANALYTICS_BACKFILL_BUCKET' }
      : last !== undefined
        ? { bucket: last, from: 'the last run' }
        : undefined;
  const initial = wizardInputOf(opts, io.env);
  // A --topic run started in the wizard follows what it published until it landed, as --follow
  // does (on by default here; Ctrl-C stops following, nothing is lost: status shows the rest).
  const follow = opts.topic !== undefined ? (opts.follow ?? DEFAULT_FOLLOW) : undefined;
  let published: PublishedFiles | undefined;
  const wizardDeps: WizardDeps = {
    openSource: async (bucket) => reachingSource(await openSource(bucket, opts.project, cloud)),
    plan: async (c, source, signal, onProgress) => (await sessionFor(c, source)).plan(signal, onProgress),
    run: async (c, plan, signal, onEvent) => {
      const session = await sessionFor(c, undefined);
      if (follow === undefined) return session.run(plan, signal, onEvent);
      const files = (published = new PublishedFiles(session.source));
      return session.run(plan, signal, (e) => {
        files.onEvent(e);
        onEvent(e);
      });
    },
    // The same cost and time lines as the `--yes` preview (preview-forecast.ts).
    forecast: async (c, plan) => previewForecast(plan, requestOf(c), (await sessionFor(c, undefined)).source, follow),
    ...(follow !== undefined ? { follows: true } : {}),
    // The map reads the warehouse the flags name, else the bucket's default (the destination is
    // chosen after it); its session is closed at once, so a DuckDB file is not held open.
    mapWarehouse: (bucket) => {
      const spec = opts.warehouse ?? defaultWarehouse(bucket);
      const file = duckDbFile(spec);
      return { spec, missing: file !== undefined && !existsSync(file) };
    },
    coverage: async (bucket, selection, source, signal) => {
      const { session } = await openCoverageSession(
        {
          bucket,
          project: opts.project,
          topic: undefined,
          warehouse: opts.warehouse ?? defaultWarehouse(bucket),
          selection,
          reprocess: false,
          jobName: undefined,
        },
        { cloud, recordDir, source },
      );
      try {
        return await session.plan(signal);
      } finally {
        await session.close();
      }
    },
    destination: (d) => destinationLabel(d, opts),
    typedDestination: (path) => warehouseSpecText({ kind: 'duckdb', path: resolve(path) }),
    destinations: (bucket) => destinationOptions(bucket, opts.project, io.env, lastRunRequest(recordDir)?.warehouse),
    suggestedBucket: suggested,
  };

  let result: WizardResult | undefined;
  try {
    result = await runWizard(initial, wizardDeps, {
      stdin: io.stdin as NodeJS.ReadStream,
      stdout: io.stdout as NodeJS.WriteStream,
      env: io.env,
      interrupt: io.interrupt,
    });
    // Commands go out as plain lines after the wizard has closed: the terminal wraps them softly,
    // so each copies as one line (Ink would break them with real newlines).
    if (result.kind === 'previewed') {
      io.stdout.write(
        opts.dryRun
          ? `Dry run: nothing was sent or written. The same from a script:\n${commandLine(requestOf(result.choices))} --dry-run\n`
          : 'Nothing was sent: every matched file is already ingested.\n',
      );
    }
    const started = current?.session.started;
    if (result.kind === 'quit' && started) {
      // A second Ctrl-C: the process ends now, files in flight unrecorded; the ledger keeps the resume exact.
      io.stdout.write(
        `Quit during run ${started.runId}; what went out is in ${started.recordPath}.\n${RESUME_INTRO}\n${resumeCommand(started.runId, recordDir)}\n`,
      );
    }
    if (result.kind === 'ran') {
      const s = result.summary;
      const incomplete = s.counts.failed > 0 || s.counts.staged > 0 || s.notSent > 0;
      io.stdout.write(
        (incomplete ? `${RESUME_INTRO}\n${resumeCommand(s.runId, recordDir)}\n` : '') +
          `The same backfill from a script:\n${commandLine(requestOf(result.choices))}${follow ? followArgs(follow) : ''}\n`,
      );
      if (follow !== undefined && published !== undefined && current)
        return await followPublished(published, s, exitCodeOf(result), () => current!.session.openWarehouse(), {
          ...follow,
          signal: io.interrupt,
          live: (io.stderr as { isTTY?: boolean }).isTTY === true,
          err: (text) => io.stderr.write(text),
          human: (text) => io.stdout.write(text),
          topic: opts.topic!,
          project: opts.project,
          cloud,
          source: current.session.source,
        });
    }
    return exitCodeOf(result);
  } finally {
    // After a second Ctrl-C the process quits at once: files in flight are not waited for.
    if (result?.kind !== 'quit') await current?.session.close();
  }
}

/** A destination in words, naming the project (the header and the Confirm screen). */
function destinationLabel(d: string | undefined, opts: CliOptions): string {
  if (d === undefined) return 'destination to choose';
  if (d === 'topic')
    return `Pub/Sub topic ${opts.topic}${opts.topic?.startsWith('projects/') ? '' : `, project ${opts.project ?? 'from your credentials'}`}`;
  const w = parseWarehouseSpec(d);
  if (w.kind === 'duckdb') return `DuckDB file ${resolve(w.path)}${existsSync(w.path) ? '' : ' (new file)'}`;
  return `BigQuery, project ${w.project ?? 'from your credentials'}`;
}

/** The destination step's choices: BigQuery first for a gs:// bucket, the DuckDB file first for a folder. */
function destinationOptions(
  bucket: string,
  project: string | undefined,
  env: NodeJS.ProcessEnv,
  lastWarehouse: string | undefined,
): { value: string; label: string }[] {
  const duckdb = (path: string, note = '') => {
    const file = resolve(path);
    return {
      value: warehouseSpecText({ kind: 'duckdb', path: file }),
      label: `DuckDB file ${file}${note}${existsSync(file) ? '' : ' (new file)'}`,
    };
  };
  const bq = warehouseSpecText(project !== undefined ? { kind: 'bigquery', project } : { kind: 'bigquery' });
  const note = env.BIGQUERY_EMULATOR_ENDPOINT ? ' (the BigQuery emulator)' : '';
  const options = [
    duckdb(duckDbFile(defaultWarehouse('')) ?? ''),
    { value: bq, label: `BigQuery, project ${project ?? 'from your credentials'}${note}` },
  ];
  if (bucket.startsWith('gs://')) options.reverse();
  // The last run's DuckDB file first, when it is another one.
  const last = lastWarehouse !== undefined ? duckDbFile(lastWarehouse) : undefined;
  if (
    last !== undefined &&
    !options.some((o) => o.value === warehouseSpecText({ kind: 'duckdb', path: resolve(last) }))
  )
    options.unshift(duckdb(last, ", the last run's"));
  return options;
}
