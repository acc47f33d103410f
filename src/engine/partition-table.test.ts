import { describe, expect, it } from 'vitest';
import { planOf } from '../../test/helpers/ui/plans.js';
import { partitionTable } from './partition-table.js';

describe('the preview table', () => {
  it('keeps `already` and `to send` within the width: under 73 columns the bytes column goes first', () => {
    const plan = planOf([
      { env: 'production', category: 'a-long-category', ds: '2026-03-01', files: 12_345, already: 345 },
    ]);
    for (const columns of [60, 72, 80, 120]) {
      const t = partitionTable(columns);
      const lines = [t.header, t.row(plan.partitions[0]!), t.total(plan.totals)];
      expect(Math.max(...lines.map((l) => l.length)), `${columns} columns`).toBeLessThanOrEqual(columns);
      expect(t.header).toMatch(/already +to send$/);
      expect(t.row(plan.partitions[0]!)).toMatch(/ 345 +12,000$/);
      expect(t.header.includes('bytes')).toBe(columns >= 73);
    }
  });
});
