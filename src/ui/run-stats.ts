import { formatBytes, formatCount, formatDuration } from '../core/format.js';
import type { RunProgress } from '../engine/run-backfill.js';

/** The run's figures for the progress line: done, rate, elapsed and an estimate of what is left. */
export interface RunStats {
  percent: number;
  files: string;
  bytes: string;
  rate: string;
  elapsed: string;
  eta: string;
}

export function runStats(p: RunProgress, elapsedMs: number): RunStats {
  const percent = p.total > 0 ? Math.floor((p.done / p.total) * 100) : 100;
  const perSecond = elapsedMs > 0 ? (p.done * 1000) / elapsedMs : 0;
  const left = p.total - p.done;
  const eta = left === 0 ? 'done' : perSecond > 0 ? formatDuration((left / perSecond) * 1000) : '…';
  return {
    percent,
    files: `${formatCount(p.done)}/${formatCount(p.total)} files`,
    bytes: `${formatBytes(p.doneBytes)}/${formatBytes(p.totalBytes)}`,
    rate: `${perSecond.toFixed(1)} files/s`,
    elapsed: formatDuration(elapsedMs),
    eta,
  };
}
