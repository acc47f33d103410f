import { cellKey } from '../core/layout/cells.js';
import type { CellCounts } from '../core/layout/coverage-map.js';
import type { BackfillPlan, PartitionPlan } from './plan-backfill.js';

/** A partition's counts as the map draws them. */
export const countsOf = (p: PartitionPlan): CellCounts => ({
  files: p.matched,
  landed: p.alreadyIngested,
  staged: p.staged,
  failed: p.failed ?? 0,
  rejecting: p.rejecting ?? 0,
});

/** The map's cells (`cellKey`: environment, day, time bucket), each summed over its categories. */
export function cellCounts(plan: BackfillPlan): Map<string, CellCounts> {
  const cells = new Map<string, CellCounts>();
  for (const p of plan.partitions) {
    const key = cellKey(p.partition.environment, p.partition.ds, p.partition.time);
    const c = cells.get(key) ?? { files: 0, landed: 0, staged: 0, failed: 0, rejecting: 0 };
    const add = countsOf(p);
    c.files += add.files;
    c.landed += add.landed;
    c.staged += add.staged;
    c.failed = (c.failed ?? 0) + (add.failed ?? 0);
    c.rejecting = (c.rejecting ?? 0) + (add.rejecting ?? 0);
    cells.set(key, c);
  }
  return cells;
}
