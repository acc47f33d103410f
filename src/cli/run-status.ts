import { setTimeout as sleep } from 'node:timers/promises';
import { openCoverageSession } from '../app/coverage-session.js';
import { dateOfDayNumber, dayNumberOf } from '../core/calendar.js';
import { mapDays } from './status-map-days.js';
import { legendLines, renderCoverageMap } from '../core/layout/coverage-map.js';
import { cellKey } from '../core/layout/cells.js';
import { cellCounts } from '../engine/cell-counts.js';
import { UsageError } from '../core/errors.js';
import { countOf, formatBytes, formatCount, printable, wrapText } from '../core/present/format.js';
import { TIME_BUCKETS, type TimeBucket } from '../core/layout/partition-layout.js';
import type { Warehouse } from '../ports/warehouse.js';
import { checkDuckDbToRead } from '../app/check-places.js';
import { parseWarehouseSpec } from '../core/schema/warehouse-spec.js';
import type { BackfillPlan } from '../engine/plan-backfill.js';
import type { CloudFactories } from '../ports/cloud.js';
import { commandLine, requestFromOptions, type BackfillRequest } from './backfill-request.js';
import { documentOf, statusJson, totalsJson } from './json-output.js';
import { statusOfPartition } from './status-partition.js';
import type { StatusIo } from './status-io.js';
import type { CliOptions } from './parse-args.js';

/** Days shown when no dates are given: the four weeks up to today (UTC). */
const DEFAULT_DAYS = 28;

export type { StatusIo };

/**
 * `analytics-backfill status`: what the bucket holds against what the warehouse holds, for a
 * selection. Reads listings and the ledger only (no file bytes), writes nothing; a map on a
 * terminal, one JSON object per partition with --json. Environments and categories default to
 * all, dates to the last four weeks.
 */
export async function runStatus(
  opts: CliOptions,
  deps: { cloud: CloudFactories; recordDir: string; io: StatusIo },
): Promise<number> {
  const { io } = deps;
  if (opts.yes || opts.resume !== undefined || opts.topic !== undefined || opts.reprocess) {
    throw new UsageError('status only reads: it takes no --yes, --resume, --topic or --reprocess');
  }
  const today = (io.now?.() ?? new Date()).toISOString().slice(0, 10);
  const stop = opts.stop ?? today;
  // The default start: DEFAULT_DAYS before the stop, never after it (a stop before 1970 maps that day alone).
  const fallback = dateOfDayNumber(Math.max(0, (dayNumberOf(stop) ?? 0) - (DEFAULT_DAYS - 1)));
  const start = opts.start ?? (fallback > stop ? stop : fallback);
  if (start > stop) throw new UsageError(`--event-ds-start ${start} is after --event-ds-stop ${stop}`);
  const request = requestFromOptions({
    ...opts,
    environments: opts.environments ?? 'all',
    categories: opts.categories ?? 'all',
    start,
    stop,
  });
  checkDuckDbToRead(request.warehouse);
  const { session, failed } = await openCoverageSession(request, deps);
  try {
    if (opts.partition !== undefined)
      return await statusOfPartition(opts.partition, request.selection.dataType, session, io, opts.json, failed);
    if (opts.watch && (opts.sessions || opts.partition !== undefined))
      throw new UsageError('status --watch redraws the map: it takes no --sessions or --partition');
    // `lead` writes what comes just before the map (--watch: its time), once the map is ready.
    const draw = async (lead?: () => void) => {
      const plan = await session.plan(io.interrupt);
      lead?.();
      if (opts.sessions) return sessionReport(plan, session.warehouse, io, opts.json);
      if (opts.json) io.stdout.write(`${JSON.stringify(statusJson(plan))}\n`);
      else
        io.stdout.write(
          statusText(plan, {
            columns: io.stdout.columns ?? 80,
            color: colorOn(io),
            staging: parseWarehouseSpec(request.warehouse).kind === 'bigquery',
          }) + nextStep(plan, request),
        );
      return 0;
    };
    if (!opts.watch) return await draw();
    return await watchStatus(draw, opts.watch.intervalMs, io, opts.json);
  } finally {
    await session.close();
  }
}

/**
 * `status --watch`: the map again every interval until interrupted (exit 0). On a terminal each
 * map replaces the last (the screen cleared); in a log or a pipe, each follows the last under the
 * time its look began. The screen is cleared and the time written only once the map is ready, so
 * the last map stays on screen while the next is read, and a Ctrl-C meanwhile leaves no time line
 * without its map.
 */
async function watchStatus(
  draw: (lead: () => void) => Promise<number>,
  intervalMs: number,
  io: StatusIo,
  json: boolean,
): Promise<number> {
  const terminal = !json && io.stdout.isTTY === true && io.env.TERM !== 'dumb';
  const header = json ? io.stderr : io.stdout; // --json: stdout holds only JSON, one object per look
  for (;;) {
    const at = (io.now?.() ?? new Date()).toISOString().slice(0, 19);
    const lead = () => {
      if (terminal) io.stdout.write('\u001B[H\u001B[2J');
      header.write(`status at ${at}Z (every ${intervalMs / 1000} s; Ctrl-C stops)\n`);
    };
    try {
      await draw(lead);
    } catch (error) {
      if (io.interrupt.aborted) return 0;
      throw error;
    }
    await sleep(intervalMs, undefined, { signal: io.interrupt }).catch(() => undefined);
    if (io.interrupt.aborted) return 0;
  }
}

const colorOn = (io: StatusIo) => io.stdout.isTTY === true && (io.env.NO_COLOR === undefined || io.env.NO_COLOR === '');

export { statusJson };

const UNWALKABLE_SHOWN = 10;

/** The map, its legend and the totals, for a terminal of `columns`. */
export function statusText(plan: BackfillPlan, opts: { columns: number; color: boolean; staging: boolean }): string {
  const s = plan.selection;
  const cells = cellCounts(plan);
  const shown = mapDays(plan);
  const map = renderCoverageMap(
    {
      environments: s.environments,
      days: shown.days,
      times: s.times,
      cell: (environment: string, ds: string, time: TimeBucket) => cells.get(cellKey(environment, ds, time)),
    },
    opts,
  );
  const t = plan.totals;
  const missing = t.matched - t.alreadyIngested - t.staged;
  const totals = totalsJson(plan);
  const categories = s.categories.length === 1 ? `category ${s.categories[0]}` : `${s.categories.length} categories`;
  const width = Math.max(40, opts.columns);
  return [
    ...wrapText(
      `${plan.source}, ${s.start} to ${s.stop}, ${categories}; each day's cells are its time buckets 0-8, 8-16, 16-24.`,
      width,
    ),
    ...(shown.note !== undefined ? wrapText(shown.note, width) : []),
    '',
    ...(shown.days.length > 0 ? map : []),
    ...legendLines(width, { staging: opts.staging }),
    ...wrapText(
      `${countOf(t.matched, 'file')} (${formatBytes(t.bytes)}) in ${countOf(t.partitions, 'partition')}: ` +
        `${formatCount(t.alreadyIngested)} landed (${formatCount(totals.rejecting)} with lines rejected), ` +
        `${formatCount(t.staged)} staged, ${formatCount(missing)} not landed ` +
        (totals.failed > 0 ? `(${formatCount(totals.failed)} failed: see --partition).` : '(none failed).'),
      width,
    ),
    ...plan.unwalkable
      .slice(0, UNWALKABLE_SHOWN)
      .flatMap((u) =>
        wrapText(
          `  Not in any partition, cannot be walked: ${printable(u.name)} ${printable(u.problem)}`,
          width,
          '    ',
        ),
      ),
    ...(plan.unwalkable.length > UNWALKABLE_SHOWN
      ? [`  … and ${formatCount(plan.unwalkable.length - UNWALKABLE_SHOWN)} more (--json lists each)`]
      : []),
    '',
  ].join('\n');
}

/**
 * `--sessions`: where landed events skip indexes within a session, per partition, beside what the
 * bucket holds there: no file at all (a silent time bucket: uploads never arrived), files not landed
 * (a backfill fixes it), or everything landed (lost before the bucket, or rejected into debug rows).
 */
async function sessionReport(plan: BackfillPlan, warehouse: Warehouse | undefined, io: StatusIo, json: boolean) {
  const s = plan.selection;
  if (!warehouse?.sessionGaps)
    throw new UsageError('--sessions needs a warehouse that has landed events (a DuckDB file or BigQuery)');
  const rows = await warehouse.sessionGaps({
    environments: s.environments,
    firstDay: dayNumberOf(s.start)!,
    lastDay: dayNumberOf(s.stop)!,
  });
  const bucketOf = new Map<string, { files: number; landed: number }>();
  for (const p of plan.partitions) {
    const key = cellKey(p.partition.environment, p.partition.ds, p.partition.time);
    const c = bucketOf.get(key) ?? { files: 0, landed: 0 };
    c.files += p.matched;
    c.landed += p.alreadyIngested;
    bucketOf.set(key, c);
  }
  const gaps = rows.map((r) => {
    const ds = dateOfDayNumber(r.day);
    const time = TIME_BUCKETS[r.bucket] ?? '0-8';
    const b = bucketOf.get(cellKey(r.environment, ds, time)) ?? { files: 0, landed: 0 };
    const bucket = b.files === 0 ? 'silent' : b.landed < b.files ? 'not-landed' : 'landed';
    return {
      environment: r.environment,
      ds,
      time,
      gaps: r.gaps,
      missing: r.missing,
      sessions: r.sessions,
      files: b.files,
      landed: b.landed,
      bucket,
    };
  });
  if (json) {
    io.stdout.write(`${JSON.stringify({ ...documentOf('sessions'), source: plan.source, selection: s, gaps })}\n`);
    return 0;
  }
  const say = {
    silent: 'no file (silent)',
    'not-landed': 'not landed: backfill',
    landed: 'all landed',
  };
  const lines = [
    ...wrapText(
      `Gaps in event_index within sessions of ${s.start} to ${s.stop}, by the partition of each gap's midpoint:`,
      80,
    ),
    '',
    'environment  date        time  gaps  missing  sessions  the bucket there',
    ...gaps.map(
      (g) =>
        `${g.environment.slice(0, 12).padEnd(12)} ${g.ds}  ${g.time.padEnd(5)} ${formatCount(g.gaps).padStart(4)} ` +
        `${formatCount(g.missing).padStart(8)} ${formatCount(g.sessions).padStart(9)}  ${say[g.bucket as keyof typeof say]}`,
    ),
    gaps.length === 0 ? 'No gaps: the landed events of every session are consecutive.' : '',
    '',
  ];
  io.stdout.write(lines.join('\n'));
  return 0;
}

/** What to run next when something is not landed: the backfill of this selection, as a preview. */
function nextStep(plan: BackfillPlan, request: BackfillRequest): string {
  const t = plan.totals;
  if (t.matched - t.alreadyIngested - t.staged <= 0) return '';
  return (
    'To backfill what is not landed, preview it (then run it with --yes):\n' +
    `${commandLine(request).replace(/ --yes$/, ' --dry-run')}\n`
  );
}
