import { describe, expect, it } from 'vitest';
import { checkRange, datePresets, dateProblem, spanOf } from './date-range.js';

describe('date presets', () => {
  it('are relative to the UTC day, and include the span in the bucket when known', () => {
    const presets = datePresets(new Date('2026-03-15T23:30:00Z'), { first: '2026-01-02', last: '2026-03-10' });
    const by = Object.fromEntries(presets.map((p) => [p.label, `${p.start}..${p.stop}`]));
    expect(by).toEqual({
      Yesterday: '2026-03-14..2026-03-14',
      Today: '2026-03-15..2026-03-15',
      'Last 7 days': '2026-03-09..2026-03-15',
      'This month': '2026-03-01..2026-03-15',
      'Last month': '2026-02-01..2026-02-28',
      'Every date in the bucket': '2026-01-02..2026-03-10',
    });
  });
});

describe('date validation', () => {
  it('waits while a date is being typed, and refuses what cannot become one', () => {
    expect(dateProblem('2026-0')?.incomplete).toBe(true);
    expect(dateProblem('2026-03-1')?.incomplete).toBe(true);
    expect(dateProblem('2026-02-30')?.message).toBe('2026-02-30 is not a calendar date');
    expect(dateProblem('yesterday')?.incomplete).toBe(false);
    expect(dateProblem('2026-03-01')).toBeUndefined();
  });

  it('checks the order and counts the days', () => {
    expect(checkRange('2026-03-01', '2026-03-10')).toEqual({ days: 10 });
    expect(checkRange('2026-03-10', '2026-03-01').order).toMatch(/before the start/);
    expect(spanOf(['2026-03-02', 'junk', '2026-01-05', '2026-02-01'])).toEqual({ first: '2026-01-05', last: '2026-03-02' });
    expect(spanOf([])).toBeUndefined();
  });
});
