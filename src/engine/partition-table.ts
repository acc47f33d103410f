import { countOf, formatBytes, formatCount } from '../core/present/format.js';
import type { PartitionPlan, PlanTotals } from './plan-backfill.js';

const WIDE = { NUM: 8, ENV: 11 };
const NARROW = { NUM: 7, ENV: 8 };
const DATE = 10;
const TIME = 5;
/** Below this width the bytes column goes (the totals still say them), so `already` and `to send` stay. */
const FULL_WIDTH = 73;
const cell = (s: string, w: number) => (s.length > w ? `${s.slice(0, w - 1)}…` : s.padEnd(w));

/**
 * The preview's table, one row per partition, within `columns` (the category column gives way,
 * then, under 73 columns, the bytes column): the `--yes` text at 80 columns and the wizard at its
 * terminal's width draw the same table.
 */
export function partitionTable(columns: number) {
  const bytes = columns >= FULL_WIDTH;
  const { NUM, ENV } = bytes ? WIDE : NARROW;
  const nums = bytes ? 4 : 3;
  const num = (s: string) => s.padStart(NUM);
  const catW = Math.max(6, Math.min(24, columns - 1 - ENV - DATE - TIME - nums * NUM - (nums + 4)));
  const counts = (files: string, size: string, already: string, toSend: string) =>
    [files, ...(bytes ? [size] : []), already, toSend].map(num).join(' ');
  return {
    header: `${cell('environment', ENV)} ${cell('category', catW)} ${cell('date', DATE)} ${cell('time', TIME)} ${counts('files', 'bytes', 'already', 'to send')}`,
    row: (p: PartitionPlan) =>
      `${cell(p.partition.environment, ENV)} ${cell(p.partition.category, catW)} ${cell(p.partition.ds, DATE)} ${cell(p.partition.time, TIME)} ` +
      counts(formatCount(p.matched), formatBytes(p.bytes), formatCount(p.alreadyIngested), formatCount(p.toSend)),
    total: (t: PlanTotals) =>
      `${cell(`Total: ${countOf(t.partitions, 'partition')}`, ENV + catW + DATE + TIME + 3)} ` +
      counts(formatCount(t.matched), formatBytes(t.bytes), formatCount(t.alreadyIngested), formatCount(t.toSend)),
  };
}
