import { addDays } from 'date-fns/addDays';
import { differenceInCalendarDays } from 'date-fns/differenceInCalendarDays';
import { endOfMonth } from 'date-fns/endOfMonth';
import { isValid } from 'date-fns/isValid';
import { lightFormat } from 'date-fns/lightFormat';
import { parseISO } from 'date-fns/parseISO';
import { startOfMonth } from 'date-fns/startOfMonth';
import { subMonths } from 'date-fns/subMonths';

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

const ymd = (d: Date) => lightFormat(d, 'yyyy-MM-dd');

/** The UTC calendar date of an instant (event_ds folders are UTC days), as a local-midnight Date for date-fns. */
function utcDay(now: Date): Date {
  return parseISO(now.toISOString().slice(0, 10));
}

/** Presets relative to today (UTC), and the span of dates that exist when it is known. */
export function datePresets(now: Date, span?: DateSpan): DatePreset[] {
  const today = utcDay(now);
  const lastMonth = subMonths(today, 1);
  const presets: DatePreset[] = [
    { label: 'Yesterday', start: ymd(addDays(today, -1)), stop: ymd(addDays(today, -1)) },
    { label: 'Today', start: ymd(today), stop: ymd(today) },
    { label: 'Last 7 days', start: ymd(addDays(today, -6)), stop: ymd(today) },
    { label: 'This month', start: ymd(startOfMonth(today)), stop: ymd(today) },
    { label: 'Last month', start: ymd(startOfMonth(lastMonth)), stop: ymd(endOfMonth(lastMonth)) },
  ];
  if (span) presets.push({ label: 'Every date in the bucket', start: span.first, stop: span.last });
  return presets;
}

/** What is wrong with one date as typed; `incomplete` while it could still become a date. */
export function dateProblem(value: string): { message: string; incomplete: boolean } | undefined {
  const v = value.trim();
  if (/^\d{4}-\d{2}-\d{2}$/.test(v)) return isValid(parseISO(v)) ? undefined : { message: `${v} is not a calendar date`, incomplete: false };
  if (/^\d{0,4}(-(\d{0,2}(-\d{0,1})?)?)?$/.test(v) || /^\d{4}-\d{2}-\d$/.test(v)) return { message: 'keep typing: YYYY-MM-DD', incomplete: true };
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
  const days = differenceInCalendarDays(parseISO(stop.trim()), parseISO(start.trim())) + 1;
  if (days < 1) out.order = `The stop date ${stop.trim()} is before the start date ${start.trim()}.`;
  else out.days = days;
  return out;
}

/** The earliest and latest of some `YYYY-MM-DD` dates, or undefined when there are none. */
export function spanOf(dates: Iterable<string>): DateSpan | undefined {
  let first: string | undefined;
  let last: string | undefined;
  for (const d of dates) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(d)) continue;
    if (first === undefined || d < first) first = d;
    if (last === undefined || d > last) last = d;
  }
  return first !== undefined && last !== undefined ? { first, last } : undefined;
}
