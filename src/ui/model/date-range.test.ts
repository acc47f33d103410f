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

describe('date presets across a year boundary', () => {
  it('take last month from the previous year and last 7 days across it', () => {
    const by = Object.fromEntries(
      datePresets(new Date('2026-01-03T00:10:00Z')).map((p) => [p.label, `${p.start}..${p.stop}`]),
    );
    expect(by['Last month']).toBe('2025-12-01..2025-12-31');
    expect(by['Last 7 days']).toBe('2025-12-28..2026-01-03');
    expect(by.Yesterday).toBe('2026-01-02..2026-01-02');
  });
});

describe('date validation', () => {
  it('waits while a date is being typed, and refuses what cannot become one', () => {
    expect(dateProblem('2026-0')?.incomplete).toBe(true);
    expect(dateProblem('2026-03-1')?.incomplete).toBe(true);
    expect(dateProblem('2026-02-30')?.message).toBe('2026-02-30 is not a calendar date');
    expect(dateProblem('yesterday')?.incomplete).toBe(false);
    expect(dateProblem('2026-03-01')).toBeUndefined();
    expect(dateProblem('2024-02-29')).toBeUndefined();
    expect(dateProblem('2026-02-29')?.message).toBe('2026-02-29 is not a calendar date');
    expect(dateProblem('2026-13-01')?.incomplete).toBe(false);
  });

  it('checks the order and counts the days', () => {
    expect(checkRange('2026-03-01', '2026-03-10')).toEqual({ days: 10 });
    expect(checkRange('2026-03-28', '2026-04-02')).toEqual({ days: 6 });
    expect(checkRange('2026-03-10', '2026-03-01').order).toMatch(/before the start/);
    expect(spanOf(['2026-03-02', 'junk', '2026-01-05', '2026-02-01'])).toEqual({
      first: '2026-01-05',
      last: '2026-03-02',
    });
    // A folder named like a date that is not one is not in the span (the preset would fill it in, then refuse it).
    expect(spanOf(['2026-03-02', '2026-13-45', '2026-02-30', '2026-01-05'])).toEqual({
      first: '2026-01-05',
      last: '2026-03-02',
    });
    expect(spanOf([])).toBeUndefined();
  });
});
