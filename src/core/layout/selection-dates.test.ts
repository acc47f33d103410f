import { afterEach, describe, expect, it } from 'vitest';
import { eventDsOf } from '../parse/file-context.js';
import { checkRange, datesOf, parseDate } from './selection.js';

// Issue 11, item 7: selection dates are calendar dates, whatever the machine's time zone.

const zone = process.env.TZ;
afterEach(() => {
  if (zone === undefined) delete process.env.TZ;
  else process.env.TZ = zone;
});

describe('selection dates', () => {
  it('never skips or repeats a day in any time zone (Samoa skipped 2011-12-30 locally)', () => {
    for (const tz of ['Pacific/Apia', 'America/Santiago', 'Asia/Tehran', 'Pacific/Kiritimati', 'UTC']) {
      process.env.TZ = tz;
      expect(datesOf('2011-12-29', '2011-12-31')).toEqual(['2011-12-29', '2011-12-30', '2011-12-31']);
      expect(datesOf('2024-02-28', '2024-03-01')).toEqual(['2024-02-28', '2024-02-29', '2024-03-01']);
    }
  });

  it('takes years 0001-9999 as written, and refuses year 0000 and impossible days', () => {
    expect(parseDate('--event-ds-start', '0050-03-01')).toBe('0050-03-01');
    expect(datesOf('0050-02-28', '0050-03-01')).toEqual(['0050-02-28', '0050-03-01']);
    expect(() => parseDate('--event-ds-start', '0000-01-01')).toThrow(
      '--event-ds-start: "0000-01-01" is not a date (use YYYY-MM-DD, years 0001-9999)',
    );
    expect(() => parseDate('--event-ds-stop', '2023-02-29')).toThrow(/not a date/);
    expect(() => checkRange('2024-03-02', '2024-03-01')).toThrow(
      '--event-ds-stop 2024-03-01 is before --event-ds-start 2024-03-02',
    );
    expect(eventDsOf('0000-01-01')).toBeNull();
    expect(eventDsOf('0050-03-01')).toBe('0050-03-01');
  });
});
