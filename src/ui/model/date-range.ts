// Calendar arithmetic on `YYYY-MM-DD` days (core/calendar.ts, the one date rule), not date-fns:
// the wizard's first screen loads this module, and date-fns' modules cost tens of ms to load.
import { dateOfDayNumber, dayNumberOf } from '../../core/calendar.js';

const DAY_MS = 86_400_000;

/** Milliseconds of a `YYYY-MM-DD` UTC day, or undefined when it is not a calendar date. */
function dayOf(ymd: string): number | undefined {
  const n = dayNumberOf(ymd);
  return n === undefined ? undefined : n * DAY_MS;
}

const ymdOf = (ms: number) => dateOfDayNumber(Math.floor(ms / DAY_MS));

/** A named date range the operator can pick instead of typing. */
export interface DatePreset {
  label: string;
  start: string;
  stop: string;
}

/** The first and last `event_ds` present in the bucket for the chosen environments and categories. */
export interface DateSpan {
  first: string;
  last: string;
}

/** Presets relative to today (the UTC day: event_ds folders are UTC days), and the span of dates that exist when it is known. */
export function datePresets(now: Date, span?: DateSpan): DatePreset[] {
  const y = now.getUTCFullYear();
  const m = now.getUTCMonth();
  const today = Date.UTC(y, m, now.getUTCDate());
  const presets: DatePreset[] = [
    { label: 'Yesterday', start: ymdOf(today - DAY_MS), stop: ymdOf(today - DAY_MS) },
    { label: 'Today', start: ymdOf(today), stop: ymdOf(today) },
    { label: 'Last 7 days', start: ymdOf(today - 6 * DAY_MS), stop: ymdOf(today) },
    { label: 'This month', start: ymdOf(Date.UTC(y, m, 1)), stop: ymdOf(today) },
    { label: 'Last month', start: ymdOf(Date.UTC(y, m - 1, 1)), stop: ymdOf(Date.UTC(y, m, 0)) },
  ];
  // The dates that exist come first: the preset most backfills want.
  return span ? [{ label: 'Every date in the bucket', start: span.first, stop: span.last }, ...presets] : presets;
}

/** What is wrong with one date as typed; `incomplete` while it could still become a date. */
export function dateProblem(value: string): { message: string; incomplete: boolean } | undefined {
  const v = value.trim();
  if (/^\d{4}-\d{2}-\d{2}$/.test(v))
    return dayOf(v) !== undefined ? undefined : { message: `${v} is not a calendar date`, incomplete: false };
  if (/^\d{0,4}(-(\d{0,2}(-\d{0,1})?)?)?$/.test(v) || /^\d{4}-\d{2}-\d$/.test(v))
    return { message: 'keep typing: YYYY-MM-DD', incomplete: true };
  return { message: `"${v}" is not a date: use YYYY-MM-DD`, incomplete: false };
}

export interface RangeCheck {
  start?: string;
  stop?: string;
  /** Both dates valid but in the wrong order. */
  order?: string;
  /** Days in the range, when valid. */
  days?: number;
}

/** Checks a start/stop pair: each date, then their order. */
export function checkRange(start: string, stop: string): RangeCheck {
  const out: RangeCheck = {};
  const a = dateProblem(start);
  const b = dateProblem(stop);
  if (a) out.start = a.message;
  if (b) out.stop = b.message;
  if (a || b) return out;
  const days = Math.round(((dayOf(stop.trim()) ?? 0) - (dayOf(start.trim()) ?? 0)) / DAY_MS) + 1;
  if (days < 1) out.order = `The stop date ${stop.trim()} is before the start date ${start.trim()}.`;
  else out.days = days;
  return out;
}

/** The earliest and latest of some `YYYY-MM-DD` dates, or undefined when there are none. */
export function spanOf(dates: Iterable<string>): DateSpan | undefined {
  let first: string | undefined;
  let last: string | undefined;
  for (const d of dates) {
    // The one date rule (core/calendar.ts): a folder such as event_ds=2026-13-45 is not a date.
    if (dayNumberOf(d) === undefined) continue;
    if (first === undefined || d < first) first = d;
    if (last === undefined || d > last) last = d;
  }
  return first !== undefined && last !== undefined ? { first, last } : undefined;
}
