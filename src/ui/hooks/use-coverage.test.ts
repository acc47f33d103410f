import { describe, expect, it } from 'vitest';
import { mapDays, mapWindow } from './use-coverage.js';

describe("the wizard map's window", () => {
  it('shows as many days as the terminal holds: whole blocks for the width, as many as the height allows', () => {
    const size = { columns: 80, rows: 24 };
    expect(mapDays(['testing'], size)).toBe(36); // 2 blocks of 18
    expect(mapDays(['live', 'testing'], size)).toBe(18); // 1 block
    expect(
      mapDays(
        Array.from({ length: 10 }, (_, i) => `env${i}`),
        size,
      ),
    ).toBe(18); // always one
    expect(mapDays(['live'], { columns: 120, rows: 40 })).toBe(28 * 6);
  });

  it("ends on the bucket's last day when that is before today, and moves by whole windows", () => {
    const today = new Date('2026-03-15T12:00:00Z');
    expect(mapWindow(today, 36, 0, '2026-03-03')).toEqual({ start: '2026-01-27', stop: '2026-03-03' });
    expect(mapWindow(today, 36, 0, '2026-04-01')).toEqual({ start: '2026-02-08', stop: '2026-03-15' });
    expect(mapWindow(today, 36, -36)).toEqual({ start: '2026-01-03', stop: '2026-02-07' });
  });
});
