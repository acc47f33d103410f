/**
 * What a backfill will cost and take, in the preview's words: said once, printed by the `--yes`
 * preview and drawn by the wizard's Preview step alike.
 */
import { followCost, forecastCost, formatUsd } from '../core/present/cost-forecast.js';
import { formatBytes, formatDuration, wrapText } from '../core/present/format.js';
import { parseWarehouseSpec } from '../core/schema/warehouse-spec.js';
import type { BackfillPlan } from '../engine/plan-backfill.js';
import { forecastSeconds, timeSample } from '../engine/sample-time.js';
import type { Source } from '../ports/source.js';
import type { BackfillRequest } from './backfill-request.js';

/** The cost lines, and for a direct run the time forecast (a sample of its files read now). */
export async function previewForecast(
  plan: BackfillPlan,
  req: BackfillRequest,
  source: Source,
  follow?: { intervalMs: number },
): Promise<string> {
  if (req.topic !== undefined) return forecastText(plan, req, follow);
  return forecastText(plan, req) + (await timeText(plan, source, parseWarehouseSpec(req.warehouse).kind));
}

/**
 * Bytes of files a direct run writes into DuckDB per second, beyond reading and parsing them:
 * 12 files of 24 MiB ran 5.0-5.7 s against 3.0-3.3 s forecast for reading and parsing alone (288
 * MiB in ~2.3 s: ~125 MiB/s), 10,000 files of 10 events 2.8-2.9 s against 3 s (2-core machine,
 * Node 24, 2026-12-06). Small files' writing is spread over group commits and hides in the sample's
 * per-file time; large files' is not.
 */
export const DUCKDB_WRITE_BYTES_PER_SECOND = 128 * 1024 * 1024;

/**
 * The cost on Google Cloud of sending what the plan sends, by the request's path, with the prices
 * assumed; and for a followed `--topic` run, what following costs a minute (it lasts until the
 * files land, so it is not in the total).
 */
export function forecastText(plan: BackfillPlan, req: BackfillRequest, follow?: { intervalMs: number }): string {
  const path = req.topic !== undefined ? 'pubsub' : parseWarehouseSpec(req.warehouse).kind;
  const gcs = req.bucket.startsWith('gs://');
  const t = plan.totals;
  const { lines, usd } = forecastCost({ path, files: t.toSend, bytes: t.bytesToSend, listed: t.matched, gcs });
  if (lines.length === 0) return 'Cost on Google Cloud: none (a folder into DuckDB stays on this machine).\n';
  return [
    `Cost on Google Cloud, about ${formatUsd(usd)} at list prices before free tiers:`,
    ...lines.map((l) => `  ${formatUsd(l.usd).padStart(9)}  ${l.what}`),
    ...(follow !== undefined && req.topic !== undefined ? [followLine(t.matched, follow.intervalMs)] : []),
    '  (prices assumed: docs/costs.md)',
    '',
  ].join('\n');
}

/**
 * A direct backfill's time, forecast from a sample of its own files read and parsed now (nothing is
 * written); the progress line refines it as the run goes.
 */
export async function timeText(
  plan: BackfillPlan,
  source: Source,
  warehouse: 'duckdb' | 'bigquery' = 'bigquery',
): Promise<string> {
  const t = plan.totals;
  if (t.toSend === 0 || plan.sample.length === 0) return '';
  const timing = await timeSample(source, plan.sample);
  const seconds = forecastSeconds(timing, t.toSend, t.bytesToSend);
  if (seconds === undefined) return '';
  const sampled = `timed on ${timing.points.length} of its files, read now`;
  const text =
    warehouse === 'duckdb'
      ? `Time: about ${formatDuration((seconds + t.bytesToSend / DUCKDB_WRITE_BYTES_PER_SECOND) * 1000)} to read, ` +
        `parse and write into DuckDB (reading and parsing ${sampled}; writing at about 128 MiB/s); the ` +
        'progress line refines it.'
      : `Time: about ${formatDuration(seconds * 1000)} to read and parse what is to send (${sampled}); ` +
        'writing adds to it, and the progress line refines it.';
  return `${wrapText(text, 80).join('\n')}\n`;
}

/** `--follow`'s queries: billed bytes and dollars a minute, at its interval. */
function followLine(files: number, intervalMs: number): string {
  const { bytesPerMinute, usdPerMinute } = followCost(files, intervalMs);
  return (
    `  then ${formatUsd(usdPerMinute)} a minute while following (${formatBytes(bytesPerMinute)} billed a minute: ` +
    `2 queries every ${formatDuration(intervalMs)}, 10 MB least each)`
  );
}
