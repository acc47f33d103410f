import { formatBytes, formatCount, formatDuration } from '../core/present/format.js';
import type { RunProgress } from './run-backfill.js';

/** The run's figures for the progress line: done, rate, elapsed and an estimate of what is left. */
export interface RunStats {
  percent: number;
  files: string;
  bytes: string;
  /** Files per second so far. */
  perSecond: number;
  rate: string;
  elapsed: string;
  /** Milliseconds left, once there is a rate to tell; undefined when done or not yet known. */
  leftMs: number | undefined;
  eta: string;
}

/**
 * One rule for both shells (the `--yes` progress line and the wizard's Run step): the time left is
 * the bytes still to read at the rate so far (files differ in size), or the files left at the file
 * rate while no byte is counted (empty files).
 */
export function runStats(p: RunProgress, elapsedMs: number): RunStats {
  const percent = p.total > 0 ? Math.floor((p.done / p.total) * 100) : 100;
  const perSecond = elapsedMs > 0 ? (p.done * 1000) / elapsedMs : 0;
  const left = p.total - p.done;
  const leftMs =
    left === 0
      ? undefined
      : p.doneBytes > 0
        ? ((p.totalBytes - p.doneBytes) * elapsedMs) / p.doneBytes
        : perSecond > 0
          ? (left / perSecond) * 1000
          : undefined;
  return {
    percent,
    files: `${formatCount(p.done)}/${formatCount(p.total)} files`,
    bytes: `${formatBytes(p.doneBytes)}/${formatBytes(p.totalBytes)}`,
    perSecond,
    rate: `${perSecond.toFixed(1)} files/s`,
    elapsed: formatDuration(elapsedMs),
    leftMs,
    eta: left === 0 ? 'done' : leftMs !== undefined ? formatDuration(leftMs) : '…',
  };
}
