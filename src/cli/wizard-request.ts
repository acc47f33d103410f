import { defaultWarehouse } from '../app/open-ports.js';
import type { WizardChoices, WizardInput } from '../ui/model/wizard-types.js';
import type { BackfillRequest } from './backfill-request.js';
import type { CliOptions } from './parse-args.js';

/**
 * What the flags fix in the wizard: every choice they make, so the wizard asks only for the rest
 * and ends with the request the `--yes` path builds from the same flags (`requestFromOptions`).
 * A bucket from ANALYTICS_BACKFILL_BUCKET (not the flag) only prefills the source step.
 */
export function wizardInputOf(opts: CliOptions, env: NodeJS.ProcessEnv): WizardInput {
  const fromEnv = opts.bucket !== undefined && opts.bucket === env.ANALYTICS_BACKFILL_BUCKET;
  return {
    dataType: opts.dataType,
    reprocess: opts.reprocess,
    dryRun: opts.dryRun,
    ...(opts.topic !== undefined
      ? { destination: 'topic' }
      : opts.warehouse !== undefined
        ? { destination: opts.warehouse }
        : {}),
    ...(opts.bucket !== undefined && !fromEnv ? { bucket: opts.bucket } : {}),
    environments: opts.environments,
    categories: opts.categories,
    start: opts.start,
    stop: opts.stop,
    times: opts.times,
    // --cells fixes the environments, dates and time buckets to its span, and the plan to its cells.
    ...(opts.cells !== undefined ? { cells: opts.cells } : {}),
  };
}

/**
 * The request of the wizard's choices: what the flags said and the wizard did not choose (project,
 * topic, job name), with the warehouse from --warehouse or the destination step. With --topic the
 * warehouse only tells what already landed (the bucket's default unless --warehouse names one).
 */
export function requestOfChoices(c: WizardChoices, opts: CliOptions): BackfillRequest {
  return {
    bucket: c.bucket,
    project: opts.project,
    topic: opts.topic,
    warehouse: c.destination === 'topic' ? (opts.warehouse ?? defaultWarehouse(c.bucket)) : c.destination,
    selection: c.selection,
    reprocess: c.reprocess,
    jobName: opts.jobName,
  };
}
