import { dateOfDayNumber, dayNumberOf } from '../calendar.js';
import { UsageError } from '../errors.js';
import { TIME_BUCKETS, type Partition, type TimeBucket } from './partition-layout.js';

/** `all`, or an explicit list. */
export type AllOr<T> = 'all' | readonly T[];

/** What the operator asked for (contract §1): environments × categories × dates × time buckets. */
export interface Selection {
  dataType: string;
  environments: AllOr<string>;
  categories: AllOr<string>;
  /** Inclusive `YYYY-MM-DD` range. */
  start: string;
  stop: string;
  times: AllOr<TimeBucket>;
  /**
   * Only these cells of the ranges above (`ENVIRONMENT/YYYY-MM-DD/TIME`, every selected category;
   * core/layout/cells.ts): what the wizard's map chose, or `--cells`. Absent: every partition of the ranges.
   */
  cells?: readonly string[];
}

/** A selection whose `all`s were replaced by the values that exist in the source. */
export interface ResolvedSelection {
  dataType: string;
  environments: string[];
  categories: string[];
  start: string;
  stop: string;
  times: TimeBucket[];
  cells?: string[];
}

const SAFE_VALUE = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/** Parses a comma-separated flag value into `all` or a de-duplicated list. */
export function parseList(flag: string, raw: string | undefined): AllOr<string> {
  if (raw === undefined || raw.trim() === '')
    throw new UsageError(`${flag} is required (a comma-separated list, or all)`);
  const items = [
    ...new Set(
      raw
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== ''),
    ),
  ];
  if (items.length === 0) throw new UsageError(`${flag} is empty: give a comma-separated list, or all`);
  if (items.includes('all')) return 'all';
  for (const item of items) {
    if (!SAFE_VALUE.test(item))
      throw new UsageError(`${flag}: "${item}" is not a valid value (letters, digits, _ . -)`);
  }
  return items;
}

/** Environments: any folder name; whether the bucket holds it is checked against the bucket (resolve-selection). */
export function parseEnvironments(raw: string | undefined, flag = '--analytics-environment'): AllOr<string> {
  return parseList(flag, raw);
}

export function parseTimes(raw: string | undefined, flag = '--event-time'): AllOr<TimeBucket> {
  const list = parseList(flag, raw ?? 'all');
  if (list === 'all') return list;
  for (const t of list) {
    if (!(TIME_BUCKETS as readonly string[]).includes(t)) {
      throw new UsageError(`${flag}: unknown time bucket "${t}" (known: ${TIME_BUCKETS.join(', ')}, or all)`);
    }
  }
  return list as TimeBucket[];
}

/** Checks a `YYYY-MM-DD` flag value is a real calendar date. */
export function parseDate(flag: string, raw: string | undefined): string {
  if (raw === undefined || raw === '') throw new UsageError(`${flag} is required (YYYY-MM-DD)`);
  if (dayNumberOf(raw) === undefined) {
    throw new UsageError(`${flag}: "${raw}" is not a date (use YYYY-MM-DD, years 0001-9999)`);
  }
  return raw;
}

/** Validates the date range: stop not before start. */
export function checkRange(
  start: string,
  stop: string,
  startFlag = '--event-ds-start',
  stopFlag = '--event-ds-stop',
): void {
  if (day(stop) < day(start)) {
    throw new UsageError(`${stopFlag} ${stop} is before ${startFlag} ${start}`);
  }
}

/** Every date of the inclusive range, as `YYYY-MM-DD`. */
export function datesOf(start: string, stop: string): string[] {
  const out: string[] = [];
  for (let n = day(start), last = day(stop); n <= last; n++) out.push(dateOfDayNumber(n));
  return out;
}

/** The day number of a date already checked by parseDate. */
function day(date: string): number {
  const n = dayNumberOf(date);
  if (n === undefined) throw new UsageError(`"${date}" is not a date (use YYYY-MM-DD, years 0001-9999)`);
  return n;
}

/** The number of partitions a resolved selection covers. */
export function partitionCount(s: ResolvedSelection): number {
  return s.environments.length * s.categories.length * (day(s.stop) - day(s.start) + 1) * s.times.length;
}

/** Every partition of a resolved selection, in a stable order (environment, category, date, time). */
export function* partitionsOf(s: ResolvedSelection): Generator<Partition> {
  const dates = datesOf(s.start, s.stop);
  for (const environment of s.environments) {
    for (const category of s.categories) {
      for (const ds of dates) {
        for (const time of s.times) yield { dataType: s.dataType, environment, category, ds, time };
      }
    }
  }
}

/** The same selection with `all` times expanded; environments and categories must be resolved by the caller. */
export function allTimes(times: AllOr<TimeBucket>): TimeBucket[] {
  return times === 'all' ? [...TIME_BUCKETS] : [...times];
}
