import { describe, expect, it } from 'vitest';
import { UsageError } from '../errors.js';
import {
  checkRange,
  datesOf,
  parseDate,
  parseEnvironments,
  parseList,
  parseTimes,
  partitionCount,
  partitionsOf,
} from './selection.js';

describe('selection flags', () => {
  it('reads comma-separated lists, trimming and de-duplicating', () => {
    expect(parseList('--event-category', ' a, b ,a,')).toEqual(['a', 'b']);
    expect(parseList('--event-category', 'a,all')).toBe('all');
  });

  it('takes any folder name as an environment (the bucket decides what exists), refusing unsafe ones', () => {
    expect(parseEnvironments('testing,qa')).toEqual(['testing', 'qa']);
    expect(() => parseEnvironments('testing,../x')).toThrow(/--analytics-environment: "..\/x" is not a valid value/);
  });

  it('refuses unknown time buckets and defaults to all', () => {
    expect(() => parseTimes('0-8,8-17')).toThrow(/--event-time: unknown time bucket "8-17"/);
    expect(parseTimes(undefined)).toBe('all');
  });

  it('refuses dates that are not real calendar dates', () => {
    expect(() => parseDate('--event-ds-start', '2026-02-30')).toThrow(/--event-ds-start: "2026-02-30" is not a date/);
    expect(() => parseDate('--event-ds-start', '03/01/2026')).toThrow(UsageError);
    expect(parseDate('--event-ds-start', '2024-02-29')).toBe('2024-02-29');
  });

  it('refuses a stop before the start', () => {
    expect(() => checkRange('2026-03-03', '2026-03-01')).toThrow(
      /--event-ds-stop 2026-03-01 is before --event-ds-start 2026-03-03/,
    );
    expect(() => checkRange('2026-03-03', '2026-03-03')).not.toThrow();
  });

  it('refuses values that could escape a path', () => {
    expect(() => parseList('--event-category', '../x')).toThrow(/not a valid value/);
  });
});

describe('selection product', () => {
  it('covers an inclusive date range across month ends', () => {
    expect(datesOf('2026-02-27', '2026-03-02')).toEqual(['2026-02-27', '2026-02-28', '2026-03-01', '2026-03-02']);
  });

  it('is environments × categories × dates × times', () => {
    const s = {
      dataType: 'json',
      environments: ['testing', 'staging'],
      categories: ['a'],
      start: '2026-03-01',
      stop: '2026-03-03',
      times: ['0-8', '16-24'] as const,
    };
    const all = [...partitionsOf({ ...s, times: [...s.times] })];
    expect(all).toHaveLength(12);
    expect(partitionCount({ ...s, times: [...s.times] })).toBe(12);
    expect(all[0]).toEqual({ dataType: 'json', environment: 'testing', category: 'a', ds: '2026-03-01', time: '0-8' });
  });
});
