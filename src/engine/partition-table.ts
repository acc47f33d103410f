import { formatBytes, formatCount } from '../core/format.js';
import type { PartitionPlan, PlanTotals } from './plan-backfill.js';

const NUM = 8;
const ENV = 11;
const DATE = 10;
const TIME = 5;
const cell = (s: string, w: number) => (s.length > w ? `${s.slice(0, w - 1)}…` : s.padEnd(w));
const num = (s: string) => s.padStart(NUM);

/**
 * The preview's table, one row per partition, within `columns` (the category column gives way):
 * the `--yes` text at 80 columns and the wizard at its terminal's width draw the same table.
 */
export function partitionTable(columns: number) {
  const catW = Math.max(8, Math.min(24, columns - 1 - ENV - DATE - TIME - 4 * NUM - 8));
  return {
    header: `${cell('environment', ENV)} ${cell('category', catW)} ${cell('date', DATE)} ${cell('time', TIME)} ${num('files')} ${num('bytes')} ${num('already')} ${num('to send')}`,
    row: (p: PartitionPlan) =>
      `${cell(p.partition.environment, ENV)} ${cell(p.partition.category, catW)} ${cell(p.partition.ds, DATE)} ${cell(p.partition.time, TIME)} ` +
      `${num(formatCount(p.matched))} ${num(formatBytes(p.bytes))} ${num(formatCount(p.alreadyIngested))} ${num(formatCount(p.toSend))}`,
    total: (t: PlanTotals) =>
      `${cell(`Total: ${formatCount(t.partitions)} partitions`, ENV + catW + DATE + TIME + 3)} ` +
      `${num(formatCount(t.matched))} ${num(formatBytes(t.bytes))} ${num(formatCount(t.alreadyIngested))} ${num(formatCount(t.toSend))}`,
  };
}
